#include "kafka/background_relay.h"

namespace redline {

Result<std::unique_ptr<BackgroundRelay>> BackgroundRelay::start(EventStore& store, const KafkaConfig& config,
                                                                RelaySettings settings) {
  settings.mode = RelayMode::continuous;
  std::unique_ptr<BackgroundRelay> self(new BackgroundRelay());
  REDLINE_ASSIGN(self->relay_, Relay::open(store, config, std::move(settings)));
  self->drain_ = std::chrono::milliseconds(config.drain_ms);
  BackgroundRelay* running = self.get();
  self->thread_ = std::thread([running] {
    running->outcome_.emplace(running->relay_->run(running->stopping_, running->drain_));
  });
  return self;
}

BackgroundRelay::~BackgroundRelay() {
  if (thread_.joinable()) (void)stop();
}

Result<RelayProgress> BackgroundRelay::stop() {
  if (thread_.joinable()) {
    stopping_.store(true);
    thread_.join();
  }
  if (!outcome_) return Status(ErrorCode::kafka_error, "the relay did not run");
  return *outcome_;
}

}  // namespace redline
