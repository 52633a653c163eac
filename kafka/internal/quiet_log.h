// librdkafka's own log and errors (a line per connection attempt while a broker is down)
// routed to Redline's debug log: the relay, the replica and subscriptions report what
// failed themselves. Thread-safe (spdlog is).
#pragma once

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

namespace redline::internal {

class QuietKafkaLog : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_LOG || event.type() == RdKafka::Event::EVENT_ERROR) {
      spdlog::debug("kafka: {}", event.str());
    }
  }
};

}  // namespace redline::internal
