#include "kafka/alert_subscription.h"

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <set>
#include <unordered_set>

#include "kafka/internal/quiet_log.h"

namespace redline {
namespace {

constexpr int kAnswerTimeoutMs = 15'000;

Status kafka_error(std::string message) { return Status(ErrorCode::kafka_error, std::move(message)); }

}  // namespace

Status subscribe_alerts(const KafkaConfig& config, const AlertSubscription& subscription,
                        const std::function<void(const nlohmann::ordered_json&)>& on_alert) {
  if (config.brokers.empty()) return kafka_error("Kafka is off: no brokers to subscribe to");
  std::string error;
  internal::QuietKafkaLog quiet;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", config.brokers, error);
  conf->set("group.id", subscription.group, error);
  conf->set("auto.offset.reset", "earliest", error);
  conf->set("enable.partition.eof", "true", error);
  conf->set("event_cb", static_cast<RdKafka::EventCb*>(&quiet), error);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer) return kafka_error("cannot create a Kafka consumer: " + error);

  RdKafka::Metadata* raw_metadata = nullptr;
  const auto answered = consumer->metadata(true, nullptr, &raw_metadata, kAnswerTimeoutMs);
  std::unique_ptr<RdKafka::Metadata> metadata(raw_metadata);
  if (answered != RdKafka::ERR_NO_ERROR) {
    return kafka_error("no answer from Kafka at " + config.brokers + ": " + RdKafka::err2str(answered));
  }
  std::size_t partitions = 0;
  for (const auto* topic : *metadata->topics()) {
    if (topic->topic() == config.alerts_topic) partitions = topic->partitions()->size();
  }
  if (partitions == 0) return kafka_error("topic " + config.alerts_topic + " does not exist (has a relay run?)");
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
