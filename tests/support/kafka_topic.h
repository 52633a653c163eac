// Reading a topic back in the Kafka tests: every message from the beginning of every
// partition, with key, value, headers, partition and offset. Header-only; thread-compatible.
#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace redline::testing {

struct Consumed {
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

// A suffix no other test run uses, for topic names (`redline.test.events.<suffix>`).
inline std::string unique_topic_suffix() {
  return std::to_string(::getpid()) + "." +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

// Every message of `topic` (partitions 0..partitions-1) from the beginning, until `expected`
// arrived or 30 s passed, then one more second to catch any extra.
inline std::vector<Consumed> consume_all(const std::string& brokers, const std::string& topic, std::size_t expected,
                                         std::int32_t partitions = 1) {
  std::string error;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", brokers, error);
  conf->set("group.id", "redline-test-" + topic, error);
  conf->set("enable.auto.commit", "false", error);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  EXPECT_NE(consumer, nullptr) << error;
  if (!consumer) return {};
  std::vector<RdKafka::TopicPartition*> assigned;
  for (std::int32_t p = 0; p < partitions; ++p) {
    assigned.push_back(RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  consumer->assign(assigned);
  RdKafka::TopicPartition::destroy(assigned);
  std::vector<Consumed> out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool extra_wait = false;
  while (std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(200));
    if (message->err() == RdKafka::ERR_NO_ERROR) {
      Consumed c;
      if (message->key() != nullptr) c.key = *message->key();
      c.value.assign(static_cast<const char*>(message->payload()), message->len());
      if (RdKafka::Headers* headers = message->headers()) {
        for (const auto& header : headers->get_all()) {
          c.headers[header.key()] = std::string(static_cast<const char*>(header.value()), header.value_size());
        }
      }
      c.partition = message->partition();
      c.offset = message->offset();
      out.push_back(std::move(c));
    }
    if (out.size() >= expected && !extra_wait) {
      extra_wait = true;
      deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
  }
  consumer->close();
  return out;
}

}  // namespace redline::testing
