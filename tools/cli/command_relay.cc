#include "tools/cli/command_relay.h"

#include <spdlog/spdlog.h>

#include <iostream>

#include "events/time.h"

namespace redline::cli {

void print_relay_notice(const std::string& line) {
  std::cerr << "redline: " + format_instant(now_utc()) + " " + line + "\n" << std::flush;
}

CommandRelay::CommandRelay(const Config& config, EventStore& store) : store_(store) {
  if (config.kafka.brokers.empty()) return;
  RelaySettings settings;
  // The command's own output says what it did; from its relay only trouble is news.
  settings.notice = [](RelayNotice kind, const std::string& line) {
    if (kind == RelayNotice::away || kind == RelayNotice::back || kind == RelayNotice::restarting) {
      print_relay_notice(line);
    } else {
      spdlog::debug("{}", line);
    }
  };
  auto started = BackgroundRelay::start(store, config.kafka, std::move(settings));
  if (started.ok()) {
    relay_ = std::move(*started);
  } else if (started.status().code() == ErrorCode::storage_error) {
    spdlog::debug("no relay inside this command: {}", started.status().message());  // another relay runs
  } else {
    print_relay_notice("relay: off for this command: " + started.status().message());
  }
}

CommandRelay::~CommandRelay() { finish(); }

void CommandRelay::finish() {
  if (!relay_) return;
  auto outcome = relay_->stop();
  relay_.reset();
  if (!outcome.ok()) {
    print_relay_notice("relay: " + outcome.status().message());
    return;
  }
  const Position head = store_.head().position;
  if (outcome->cursor < head) {
    print_relay_notice("relay: " + std::to_string(head.value() - outcome->cursor.value()) +
                       " events wait in the outbox after position " + std::to_string(outcome->cursor.value()) +
                       "; `redline relay` publishes them");
  }
}

}  // namespace redline::cli
