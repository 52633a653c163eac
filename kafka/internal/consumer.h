// What Redline's Kafka readers share (replicate, alert subscriptions): the error value, a
// consumer with librdkafka's log made quiet, and a topic's partitions. Internal to kafka/;
// a Consumer is used from one thread.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "events/status.h"
#include "kafka/internal/quiet_log.h"

namespace redline::internal {

inline constexpr int kKafkaAnswerTimeoutMs = 15'000;

inline Status kafka_error(std::string message) {
  return Status(ErrorCode::kafka_error, std::move(message));
}

struct Consumer {
  std::unique_ptr<QuietKafkaLog> log;  // outlives the consumer that calls it
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
};

// A consumer of `brokers` in `group`, partition ends reported, with `settings` on top.
inline Result<Consumer> open_consumer(const std::string& brokers, const std::string& group,
                                      const std::vector<std::pair<std::string, std::string>>& settings) {
  Consumer opened{std::make_unique<QuietKafkaLog>(), nullptr};
  std::string error;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::vector<std::pair<std::string, std::string>> all = {
      {"bootstrap.servers", brokers}, {"group.id", group}, {"enable.partition.eof", "true"}};
  all.insert(all.end(), settings.begin(), settings.end());
  for (const auto& [name, value] : all) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return kafka_error("Kafka setting " + name + "=" + value + ": " + error);
    }
  }
  conf->set("event_cb", static_cast<RdKafka::EventCb*>(opened.log.get()), error);
  opened.consumer.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!opened.consumer) return kafka_error("cannot create a Kafka consumer: " + error);
  return opened;
}

// The partition ids of `topic`; kafka_error when the broker does not answer or the topic
// does not exist (`hint` is added to that message).
inline Result<std::vector<std::int32_t>> topic_partitions(RdKafka::KafkaConsumer& consumer,
                                                          const std::string& brokers,
                                                          const std::string& topic,
                                                          const std::string& hint = "") {
  RdKafka::Metadata* raw = nullptr;
  const auto answered = consumer.metadata(true, nullptr, &raw, kKafkaAnswerTimeoutMs);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (answered != RdKafka::ERR_NO_ERROR) {
    return kafka_error("no answer from Kafka at " + brokers + ": " + RdKafka::err2str(answered));
  }
  std::vector<std::int32_t> partitions;
  for (const auto* t : *metadata->topics()) {
    if (t->topic() != topic) continue;
    if (t->err() != RdKafka::ERR_NO_ERROR) {
      return kafka_error("topic " + topic + ": " + RdKafka::err2str(t->err()));
    }
    for (const auto* p : *t->partitions()) partitions.push_back(p->id());
  }
  if (partitions.empty()) return kafka_error("topic " + topic + " does not exist" + hint);
  return partitions;
}

}  // namespace redline::internal
