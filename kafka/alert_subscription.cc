#include "kafka/alert_subscription.h"

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <set>
#include <unordered_set>

#include "kafka/internal/consumer.h"

namespace redline {
namespace {

using internal::kafka_error;

}  // namespace

Status subscribe_alerts(const KafkaConfig& config, const AlertSubscription& subscription,
                        const std::function<void(const nlohmann::ordered_json&)>& on_alert) {
  if (config.brokers.empty()) return kafka_error("Kafka is off: no brokers to subscribe to");
  internal::Consumer opened;
  REDLINE_ASSIGN(opened, internal::open_consumer(config.brokers, subscription.group,
                                                 {{"auto.offset.reset", "earliest"}}));
  RdKafka::KafkaConsumer* consumer = opened.consumer.get();
  std::vector<std::int32_t> ids;
  REDLINE_ASSIGN(ids, internal::topic_partitions(*consumer, config.brokers, config.alerts_topic,
                                                 " (has a relay run?)"));
  const std::size_t partitions = ids.size();
  if (consumer->subscribe({config.alerts_topic}) != RdKafka::ERR_NO_ERROR) {
    return kafka_error("cannot subscribe to " + config.alerts_topic);
  }

  std::unordered_set<std::uint64_t> seen;  // positions handed over
  std::set<std::int32_t> at_end;
  Status outcome = Status::Ok();
  while (!subscription.stop()) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(200));
    if (message->err() == RdKafka::ERR__PARTITION_EOF) {
      at_end.insert(message->partition());
      if (!subscription.follow && at_end.size() >= partitions) break;
      continue;
    }
    if (message->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (message->err() != RdKafka::ERR_NO_ERROR) {
      outcome = kafka_error("reading " + config.alerts_topic + ": " + message->errstr());
      break;
    }
    at_end.erase(message->partition());
    const auto alert = nlohmann::ordered_json::parse(
        static_cast<const char*>(message->payload()),
        static_cast<const char*>(message->payload()) + message->len(), nullptr, false);
    if (alert.is_discarded() || !alert.contains("position") || !alert["position"].is_number_unsigned()) {
      spdlog::warn("skipping a message of {} that is not an alert (offset {})", config.alerts_topic,
                   message->offset());
      continue;
    }
    if (seen.insert(alert["position"].get<std::uint64_t>()).second) on_alert(alert);
  }
  consumer->commitSync();
  consumer->close();
  return outcome;
}

}  // namespace redline
