// The relay inside a command that writes (submit, tick): a thread that publishes the
// store's commits to Kafka while the command runs, and on stop waits a bounded time for
// what the command committed to be confirmed. Kafka being away never holds up a command:
// commits do not wait for the relay, and what is unconfirmed when the command ends stays in
// the outbox for the next relay. Thread-safe to start and stop from the command's thread;
// the relay itself reads the store from its own thread (EventStore reads are thread-safe).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "engine/config.h"
#include "engine/event_store.h"
#include "kafka/relay.h"

namespace redline {

class BackgroundRelay {
 public:
  // Starts relaying `store` to the brokers of `config`. storage_error when another relay
  // runs on the store (it publishes these commits too); kafka_error when the producer
  // cannot be configured.
  static Result<std::unique_ptr<BackgroundRelay>> start(EventStore& store, const KafkaConfig& config,
                                                        RelaySettings settings);
  // Stops (as stop()) if still running.
  ~BackgroundRelay();
  BackgroundRelay(const BackgroundRelay&) = delete;
  BackgroundRelay& operator=(const BackgroundRelay&) = delete;

  // Waits up to the configured drain (`[kafka] drain_ms`) for the commits so far to be
  // confirmed, then stops; the relay's outcome (a store or cursor failure is an error; Kafka
  // being away is not).
  Result<RelayProgress> stop();

 private:
  BackgroundRelay() = default;
  std::unique_ptr<Relay> relay_;
  std::atomic<bool> stopping_{false};
  std::chrono::milliseconds drain_{0};
  std::optional<Result<RelayProgress>> outcome_;
  std::thread thread_;
};

}  // namespace redline
