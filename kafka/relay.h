// The relay: Redline's transactional outbox (SPEC §6). It reads the committed log after its
// cursor (kafka/relay_cursor.h: the last position whose delivery Kafka confirmed) and
// publishes every event to the events topic (key = stream id, value = the stored envelope
// bytes, headers position, type, schema, hash) and every alert to the alerts topic (key =
// county, the JSON of SPEC §6, which never carries a reporter's contact). The producer is
// idempotent with acks=all. Batches are pipelined and the cursor only moves over a prefix of
// the log whose every message was confirmed, so a crash or an unreachable broker loses
// nothing and may repeat events, which consumers drop by position. Topics are created when
// missing.
//
// The store may be the writer's own (a relay inside submit or tick, kafka/background_relay.h)
// or a follower opened beside a writer (`redline relay`): the relay writes nothing to it.
// Not thread-safe: one thread drives a Relay; the relay lock allows one per store.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/config.h"
#include "engine/event_store.h"

namespace redline {

struct RelayProgress {
  std::uint64_t events = 0;  // events confirmed by this call
  std::uint64_t alerts = 0;  // alerts among them
  Position cursor;           // the cursor afterwards
};

// The changes of a running relay's state it tells about, one line each.
enum class RelayNotice {
  started,     // publishing, from which position
  away,        // Kafka unreachable; how much waits in the outbox
  back,        // Kafka reachable again
  restarting,  // Kafka refused a message or the producer failed: a new producer, from the cursor
  stopped,     // where the cursor stopped, and what waits in the outbox if anything
};

enum class RelayMode {
  // publish_pending: one pass; a message not confirmed within pass_delivery_timeout_ms fails it.
  single_pass,
  // run: keeps publishing; never gives up on a message (librdkafka retries it through
  // outages, keeping each partition's order).
  continuous,
};

struct RelaySettings {
  RelayMode mode = RelayMode::single_pass;
  // Default: 30000.
  int pass_delivery_timeout_ms = 30'000;
  // Receives one line per change of the relay's state. Default: the log at info.
  std::function<void(RelayNotice, const std::string&)> notice;
  // How often a running relay looks for new commits. Default: 5 ms.
  std::chrono::milliseconds poll_interval{5};
};

class Relay {
 public:
  // Takes the relay lock (storage_error when another relay runs on the store); kafka_error
  // when the producer cannot be configured (an empty broker list included).
  static Result<std::unique_ptr<Relay>> open(EventStore& store, const KafkaConfig& config,
                                             RelaySettings settings = {});
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Creates the events and alerts topics if missing (configured partitions, replication and
  // min.insync.replicas; the events topic keeps everything). kafka_error when the broker
  // does not answer; returns early, with kafka_error, once *stop is set or at `until`.
  // `give_up_when_down`: also as soon as librdkafka has reported every broker down for a
  // second, rather than waiting out the answer's timeout (for a first attempt: a producer
  // that has lived through an outage keeps that report until a broker answers).
  Status ensure_topics(const std::atomic<bool>* stop = nullptr,
                       std::chrono::steady_clock::time_point until = std::chrono::steady_clock::time_point::max(),
                       bool give_up_when_down = false);

  // single_pass relays only. One pass: publishes every event committed as of the call. kafka_error when a message is
  // not confirmed within pass_delivery_timeout_ms; the cursor then stays before it.
  Result<RelayProgress> publish_pending();

  // continuous relays only. Publishes as commits arrive (a follower store is caught up every poll) until *stop is
  // set, then waits up to `drain` for what was committed to be confirmed. Kafka being away
  // is a state, not an error: the relay backs off, says so once, and catches up when it
  // returns. Fails only when the store or the cursor cannot be read or written.
  Result<RelayProgress> run(const std::atomic<bool>& stop, std::chrono::milliseconds drain);

  Position cursor() const;

 private:
  struct Impl;
  explicit Relay(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace redline
