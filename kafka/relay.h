// The relay: Redline's transactional outbox (SPEC §6). It reads the committed log from a
// cursor kept in the store (meta "relay_cursor": the last position whose delivery the
// broker confirmed) and publishes every event to the events topic (key = stream id, value =
// the stored envelope bytes, headers position, type, schema, hash) and every alert to the
// alerts topic (key = county, the JSON of SPEC §6, which never carries a reporter's
// contact). The producer is idempotent with acks=all; the cursor advances only after a
// batch's delivery reports, so a crash or an unreachable broker loses nothing and may
// repeat events, which consumers drop by position. Topics are created when missing.
// Not thread-safe: one relay per store, in the process that holds the store.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/config.h"
#include "engine/event_store.h"

namespace redline {

// The last position delivered to Kafka (0 when nothing was).
Result<Position> relay_cursor(const EventStore& store);

struct RelayProgress {
  std::uint64_t events = 0;  // events published by this call
  std::uint64_t alerts = 0;  // alerts among them
  Position cursor;           // the cursor afterwards
};

class Relay {
 public:
  // kafka_error when the producer cannot be configured (an empty broker list included).
  static Result<std::unique_ptr<Relay>> open(EventStore& store, const KafkaConfig& config);
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Creates the events and alerts topics if missing (configured partitions and replication;
  // the events topic keeps everything). kafka_error when the broker does not answer.
  Status ensure_topics();

  // Publishes every event after the cursor up to the head as of the call, in batches, each
  // confirmed before the cursor moves past it. kafka_error when a batch is not delivered
  // within the producer's message timeout; the cursor then stays before that batch.
  Result<RelayProgress> publish_pending();

 private:
  struct Impl;
  explicit Relay(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace redline
