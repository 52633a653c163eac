#include "kafka/internal/outbox_producer.h"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "kafka/internal/consumer.h"

namespace redline::internal {
namespace {

// librdkafka's queue: enough for the pipeline to stay full between polls.
constexpr int kQueueMessages = 200'000;
constexpr int kQueueKbytes = 128 * 1024;
// In remaining_: the messages still unconfirmed in the low bits, this flag when one is an alert.
constexpr std::uint8_t kHasAlert = 0x80;
constexpr std::uint8_t kCountMask = 0x7f;

void* tag(Position position) { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(position.value())); }
Position untag(void* opaque) { return Position(static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(opaque))); }

}  // namespace

Result<std::unique_ptr<OutboxProducer>> OutboxProducer::open(const KafkaConfig& config, int delivery_timeout_ms) {
  if (config.brokers.empty()) {
    return kafka_error("Kafka is off: no brokers (give --kafka BROKERS, REDLINE_KAFKA or [kafka] brokers)");
  }
  std::unique_ptr<OutboxProducer> self(new OutboxProducer());
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  const std::vector<std::pair<std::string, std::string>> settings = {
      {"bootstrap.servers", config.brokers},
      {"client.id", "redline-relay"},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "1"},
      {"message.timeout.ms", std::to_string(delivery_timeout_ms)},
      {"queue.buffering.max.messages", std::to_string(kQueueMessages)},
      // At most this much waits in memory while a broker is away.
      {"queue.buffering.max.kbytes", std::to_string(kQueueKbytes)},
      // Reconnection backs off from 100 ms to the configured ceiling while a broker is away.
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", std::to_string(config.retry_backoff_max_ms)},
      {"retry.backoff.ms", "100"},
  };
  for (const auto& [name, value] : settings) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return kafka_error("Kafka setting " + name + "=" + value + ": " + error);
    }
  }
  if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(self.get()), error) != RdKafka::Conf::CONF_OK ||
      conf->set("event_cb", static_cast<RdKafka::EventCb*>(self.get()), error) != RdKafka::Conf::CONF_OK) {
    return kafka_error("cannot set the Kafka callbacks: " + error);
  }
  self->producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (!self->producer_) return kafka_error("cannot create a Kafka producer: " + error);
  return self;
}

OutboxProducer::~OutboxProducer() {
  if (!producer_) return;
  // What is unconfirmed stays after the cursor and is published again by the next relay:
  // drop it rather than wait for a broker that may be gone.
  producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT |
                   RdKafka::Producer::PURGE_NON_BLOCKING);
  producer_->poll(0);
  producer_.reset();
}

void OutboxProducer::start_after(Position confirmed) {
  confirmed_ = confirmed;
  remaining_.clear();
  failure_.clear();
  last_progress_ = std::chrono::steady_clock::now();
}

Status OutboxProducer::produce_one(const std::string& topic, std::string_view key, std::string_view value,
                                   RdKafka::Headers* headers, Position position, const StopCheck& stop,
                                   bool* stopped) {
  // A topic the relay has just created can look absent to librdkafka for a while: a broker
  // that has not heard of it yet answers its metadata request, and librdkafka marks it as
  // missing until it asks again (its propagation grace does not cover a topic it has seen
  // before). Until then produce() refuses it at once: the relay asks for its metadata and
  // tries again, for as long as a broker is given to answer.
  std::optional<std::chrono::steady_clock::time_point> unknown_until;
  while (true) {
    const RdKafka::ErrorCode err = producer_->produce(
        topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
        value.size(), key.data(), key.size(), 0, headers, tag(position));
    if (err == RdKafka::ERR_NO_ERROR) return Status::Ok();  // the headers now belong to it
    const bool unknown = err == RdKafka::ERR__UNKNOWN_TOPIC || err == RdKafka::ERR__UNKNOWN_PARTITION;
    if (unknown && !unknown_until) {
      unknown_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kKafkaAnswerTimeoutMs);
    }
    if (err != RdKafka::ERR__QUEUE_FULL && !(unknown && std::chrono::steady_clock::now() < *unknown_until)) {
      delete headers;
      return kafka_error("cannot produce to " + topic + ": " + RdKafka::err2str(err));
    }
    if (unknown) {
      std::string error;
      std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(producer_.get(), topic, nullptr, error));
      RdKafka::Metadata* metadata = nullptr;
      if (handle && producer_->metadata(false, handle.get(), &metadata, 1'000) == RdKafka::ERR_NO_ERROR) {
        delete metadata;
      }
    }
    if (stop && stop()) {
      delete headers;
      *stopped = true;
      return Status::Ok();
    }
    producer_->poll(20);  // room is made as deliveries are reported
  }
}

Result<bool> OutboxProducer::produce_next(Position position, std::string_view stream, std::string_view bytes,
                                          RdKafka::Headers* headers,
                                          const std::optional<std::pair<std::string, std::string>>& alert,
                                          const std::string& events_topic, const std::string& alerts_topic,
                                          const StopCheck& stop) {
  if (position != produced().next()) {
    delete headers;
    return kafka_error("relay produced position " + std::to_string(position.value()) +
                                                 " after " + std::to_string(produced().value()));
  }
  // The wait for an answer starts when something goes in flight: a producer that sat idle
  // through an outage is not stalled the moment it produces again.
  if (remaining_.empty()) last_progress_ = std::chrono::steady_clock::now();
  // Counted before producing: a report may arrive inside the produce call's own polling.
  remaining_.push_back(static_cast<std::uint8_t>(alert ? (2 | kHasAlert) : 1));
  bool stopped = false;
  REDLINE_RETURN_IF_ERROR(produce_one(events_topic, stream, bytes, headers, position, stop, &stopped));
  if (!stopped && alert) {
    REDLINE_RETURN_IF_ERROR(produce_one(alerts_topic, alert->first, alert->second, nullptr, position, stop, &stopped));
  }
  // A stopped position keeps an unconfirmable count: the cursor never passes it.
  return !stopped;
}

bool OutboxProducer::has_room() { return producer_->outq_len() + 2 <= kQueueMessages; }

void OutboxProducer::poll(int timeout_ms) { producer_->poll(timeout_ms); }

void OutboxProducer::dr_cb(RdKafka::Message& message) {
  const Position position = untag(message.msg_opaque());
  if (message.err() != RdKafka::ERR_NO_ERROR) {
    if (failure_.empty()) {
      failure_ = "Kafka refused position " + std::to_string(position.value()) + " (" + message.topic_name() +
                 "): " + message.errstr();
    }
    return;
  }
  if (position <= confirmed_ || position.value() - confirmed_.value() > remaining_.size()) return;
  std::uint8_t& left = remaining_[position.value() - confirmed_.value() - 1];
  if ((left & kCountMask) > 0) --left;
  while (!remaining_.empty() && (remaining_.front() & kCountMask) == 0) {
    if (remaining_.front() & kHasAlert) ++alerts_confirmed_;
    remaining_.pop_front();
    confirmed_ = confirmed_.next();
  }
  down_since_.reset();
  last_progress_ = std::chrono::steady_clock::now();
}

void OutboxProducer::event_cb(RdKafka::Event& event) {
  if (event.type() == RdKafka::Event::EVENT_ERROR) {
    if (event.err() == RdKafka::ERR__ALL_BROKERS_DOWN && !down_since_) down_since_ = std::chrono::steady_clock::now();
    if (event.fatal() && failure_.empty()) {
      char reason[512];
      rd_kafka_fatal_error(producer_->c_ptr(), reason, sizeof reason);
      failure_ = std::string("the Kafka producer failed: ") + reason;
    }
  }
  QuietKafkaLog::event_cb(event);
}

}  // namespace redline::internal
