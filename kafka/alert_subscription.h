// Subscribing to alerts through Kafka (SPEC §6): a consumer-group subscription to the
// alerts topic, each alert handed over once (deduplicated by position: the relay may
// repeat messages after a crash). Supervisors run this (or any Kafka client) to watch
// their county. Not thread-safe: one subscription per thread.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/config.h"
#include "events/status.h"

namespace redline {

struct AlertSubscription {
  std::string group;    // consumer group: where it left off is remembered per group
  bool follow = false;  // keep waiting for new alerts; otherwise stop at the end
  // Polled between messages; the subscription ends when it returns true.
  std::function<bool()> stop = [] { return false; };
};

// Hands every alert of the topic (from the group's committed offset, or the beginning for
// a new group) to `on_alert`, in each partition's order. kafka_error when the broker does
// not answer.
Status subscribe_alerts(const KafkaConfig& config, const AlertSubscription& subscription,
                        const std::function<void(const nlohmann::ordered_json&)>& on_alert);

}  // namespace redline
