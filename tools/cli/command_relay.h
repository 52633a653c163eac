// The relay inside the commands that write (submit, tick) when Kafka is on: it publishes
// their commits while they run (kafka/background_relay.h) and, when they end, waits at most
// `[kafka] drain_ms` for Kafka's confirmations. It stays off when Kafka is off or another
// relay already publishes the store. Kafka being away is said on stderr, never an error of
// the command. Also prints any relay's state changes in one format. Used from the CLI thread.
#pragma once

#include <memory>
#include <string>

#include "engine/config.h"
#include "engine/event_store.h"
#include "kafka/background_relay.h"

namespace redline::cli {

// "redline: 2026-11-30T03:40:00Z relay: ..." on stderr.
void print_relay_notice(const std::string& line);

class CommandRelay {
 public:
  CommandRelay(const Config& config, EventStore& store);
  // finish(), if not called.
  ~CommandRelay();
  CommandRelay(const CommandRelay&) = delete;
  CommandRelay& operator=(const CommandRelay&) = delete;

  // Stops the relay after its drain and says on stderr what is left in the outbox.
  void finish();

 private:
  EventStore& store_;
  std::unique_ptr<BackgroundRelay> relay_;
};

}  // namespace redline::cli
