// The relay's producer and its bookkeeping: every message is tagged with the position it
// carries, and `confirmed()` is the highest position whose messages, and those of every
// earlier position, Kafka confirmed. Batches are therefore pipelined: the relay keeps
// producing while earlier reports arrive, and the cursor only ever names a prefix of the log
// that is entirely in Kafka. It also reads librdkafka's error events for the relay's state
// (all brokers down, a fatal idempotence error). Internal to kafka/. Not thread-safe:
// produce and poll from one thread (delivery reports arrive inside poll).
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/config.h"
#include "events/status.h"
#include "events/strong_types.h"
#include "kafka/internal/quiet_log.h"

namespace redline::internal {

class OutboxProducer : public RdKafka::DeliveryReportCb, public QuietKafkaLog {
 public:
  // delivery_timeout_ms: how long librdkafka may retry a message before reporting it failed;
  // 0 = never give up (it retries through outages and keeps each partition's order).
  static Result<std::unique_ptr<OutboxProducer>> open(const KafkaConfig& config, int delivery_timeout_ms);
  ~OutboxProducer() override;

  // Starts the bookkeeping after `confirmed`: the next position produced is confirmed + 1.
  void start_after(Position confirmed);

  // Produces the messages of the next position (its event, and its alert when it has one).
  // Waits (polling) while librdkafka's queue is full; returns false without producing the
  // rest when `stop` says so meanwhile. kafka_error when librdkafka refuses a message.
  using StopCheck = std::function<bool()>;
  Result<bool> produce_next(Position position, std::string_view stream, std::string_view bytes,
                            RdKafka::Headers* headers, const std::optional<std::pair<std::string, std::string>>& alert,
                            const std::string& events_topic, const std::string& alerts_topic,
                            const StopCheck& stop);

  // Whether librdkafka's queue has room for another position's messages; when it has not,
  // poll until it has.
  bool has_room();

  // Serves delivery reports and error events for up to timeout_ms.
  void poll(int timeout_ms);

  Position confirmed() const { return confirmed_; }
  Position produced() const { return Position(confirmed_.value() + remaining_.size()); }
  std::uint64_t alerts_confirmed() const { return alerts_confirmed_; }

  // A message Kafka refused for good (its first error), or a fatal producer error: the relay
  // must start over from confirmed() with a new producer.
  const std::string& failure() const { return failure_; }
  // librdkafka reported every broker down; cleared by the next confirmed delivery.
  bool brokers_down() const { return down_since_.has_value(); }
  // ... and has not confirmed anything for at least `grace` since (a new producer may report
  // every broker down for a moment while it finds its way from the bootstrap address).
  bool brokers_down_for(std::chrono::milliseconds grace) const {
    return down_since_ && std::chrono::steady_clock::now() - *down_since_ >= grace;
  }
  // A broker answered another request (the topics were created or found): an earlier
  // "every broker down" is stale. librdkafka reports brokers going down but not coming back,
  // so without this a producer that lived through an outage looked down until its first
  // delivery, and the relay reported Kafka away again just after reporting it back.
  void broker_answered() { down_since_.reset(); }
  // The last time a delivery was confirmed, a message went in flight with none before it,
  // or the bookkeeping started.
  std::chrono::steady_clock::time_point last_progress() const { return last_progress_; }

  RdKafka::Producer& producer() { return *producer_; }

  void dr_cb(RdKafka::Message& message) override;
  void event_cb(RdKafka::Event& event) override;

 private:
  OutboxProducer() = default;
  Status produce_one(const std::string& topic, std::string_view key, std::string_view value,
                     RdKafka::Headers* headers, Position position, const StopCheck& stop, bool* stopped);

  std::unique_ptr<RdKafka::Producer> producer_;
  Position confirmed_{0};
  // Messages still unconfirmed for each position after confirmed_, in order.
  std::deque<std::uint8_t> remaining_;
  std::uint64_t alerts_confirmed_ = 0;
  std::string failure_;
  std::optional<std::chrono::steady_clock::time_point> down_since_;
  std::chrono::steady_clock::time_point last_progress_ = std::chrono::steady_clock::now();
};

}  // namespace redline::internal
