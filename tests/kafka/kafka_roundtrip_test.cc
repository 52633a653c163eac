// One produce/consume round trip of stored envelopes through the real broker with
// librdkafka: key = stream id, value = envelope bytes, headers position/type/schema/hash as
// SPEC §6 lays out. The broker is the one `make test` starts (REDLINE_TEST_KAFKA).
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "events/codec.h"
#include "events/json.h"
#include "tests/support/kafka_env.h"
#include "tests/support/sample_events.h"

namespace redline {
namespace {

std::unique_ptr<RdKafka::Conf> make_conf(const std::string& brokers) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  conf->set("bootstrap.servers", brokers, error);
  conf->set("client.id", "redline-test", error);
  return conf;
}

// Creates a topic through the admin API; "" on success, else the error.
std::string create_topic(RdKafka::Producer& producer, const std::string& topic) {
  rd_kafka_t* handle = producer.c_ptr();
  char error[512];
  rd_kafka_NewTopic_t* new_topic = rd_kafka_NewTopic_new(topic.c_str(), 1, 1, error, sizeof error);
  if (new_topic == nullptr) return error;
  rd_kafka_queue_t* queue = rd_kafka_queue_new(handle);
  rd_kafka_CreateTopics(handle, &new_topic, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 15000);
  std::string outcome = "no answer from the admin API";
  if (event != nullptr) {
    const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
    size_t count = 0;
    const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(result, &count);
    outcome = rd_kafka_event_error(event) ? rd_kafka_event_error_string(event) : "";
    if (outcome.empty() && count == 1 && rd_kafka_topic_result_error(topics[0])) {
      outcome = rd_kafka_topic_result_error_string(topics[0]);
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(new_topic);
  return outcome;
}

class CountingDelivery : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      ++delivered;
    } else {
      last_error = message.errstr();
    }
  }
  int delivered = 0;
  std::string last_error;
};

TEST(KafkaRoundTrip, EnvelopesGoThroughTheRealBrokerUnchanged) {
  const std::string brokers = testing::test_kafka_brokers();
  REDLINE_REQUIRE_BROKER(!brokers.empty(), "REDLINE_TEST_KAFKA is not set");

  std::string error;
  auto conf = make_conf(brokers);
  CountingDelivery delivery;
  conf->set("dr_cb", &delivery, error);
  conf->set("enable.idempotence", "true", error);
  conf->set("acks", "all", error);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
  ASSERT_NE(producer, nullptr) << error;

  RdKafka::Metadata* metadata = nullptr;
  const auto answered = producer->metadata(true, nullptr, &metadata, 10000);
  delete metadata;
  REDLINE_REQUIRE_BROKER(answered == RdKafka::ERR_NO_ERROR,
                         brokers + " did not answer: " + RdKafka::err2str(answered));

  const std::string topic = "redline.test.roundtrip." + std::to_string(::getpid()) + "." +
                            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  ASSERT_EQ(create_topic(*producer, topic), "");

  // Real envelopes of every event type, chained as the store would chain them.
  std::vector<std::string> sent;
  std::vector<std::string> keys;
  Hash prev{};
  std::uint64_t position = 1;
  for (const auto& data : testing::one_of_every_type()) {
    NewEvent event = testing::new_event("hazard-H-" + std::to_string(position % 3), data);
    std::string bytes;
    prev = encode_envelope(event, CommitStamp{Position(position), StreamVersion(position),
                                              testing::at("2026-06-03T10:00:00Z"), prev},
                           &bytes);
    auto* headers = RdKafka::Headers::create();
    headers->add("position", std::to_string(position));
    headers->add("type", std::string(event_type_name(data)));
    headers->add("schema", std::to_string(current_schema(data)));
    headers->add("hash", to_hex(prev));
    const auto err = producer->produce(topic, 0, RdKafka::Producer::RK_MSG_COPY,
                                       bytes.data(), bytes.size(), event.stream.data(),
                                       event.stream.size(), 0, headers, nullptr);
    ASSERT_EQ(err, RdKafka::ERR_NO_ERROR) << RdKafka::err2str(err);
    sent.push_back(bytes);
    keys.push_back(event.stream);
    ++position;
  }
  ASSERT_EQ(producer->flush(20000), RdKafka::ERR_NO_ERROR);
  EXPECT_EQ(delivery.delivered, static_cast<int>(sent.size())) << delivery.last_error;

  auto consumer_conf = make_conf(brokers);
  consumer_conf->set("group.id", "redline-test-" + topic, error);
  consumer_conf->set("enable.auto.commit", "false", error);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(consumer_conf.get(), error));
  ASSERT_NE(consumer, nullptr) << error;
  std::vector<RdKafka::TopicPartition*> partitions{
      RdKafka::TopicPartition::create(topic, 0, RdKafka::Topic::OFFSET_BEGINNING)};
  ASSERT_EQ(consumer->assign(partitions), RdKafka::ERR_NO_ERROR);
  RdKafka::TopicPartition::destroy(partitions);

  std::size_t received = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (received < sent.size() && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(500));
    if (message->err() == RdKafka::ERR__TIMED_OUT) continue;
    ASSERT_EQ(message->err(), RdKafka::ERR_NO_ERROR) << message->errstr();
    const std::string value(static_cast<const char*>(message->payload()), message->len());
    EXPECT_EQ(value, sent[received]) << "message " << received;
    EXPECT_EQ(*message->key(), keys[received]);
    auto envelope = decode_envelope(value);
    ASSERT_TRUE(envelope.ok()) << envelope.status().to_string();
    EXPECT_EQ(envelope->hash, compute_envelope_hash(value));
    RdKafka::Headers* headers = message->headers();
    ASSERT_NE(headers, nullptr);
    auto header = [&](const std::string& name) {
      auto found = headers->get_last(name);
      return std::string(static_cast<const char*>(found.value()), found.value_size());
    };
    EXPECT_EQ(header("position"), std::to_string(envelope->position.value()));
    EXPECT_EQ(header("type"), envelope->type());
    EXPECT_EQ(header("schema"), std::to_string(envelope->schema));
    EXPECT_EQ(header("hash"), to_hex(envelope->hash));
    ++received;
  }
  EXPECT_EQ(received, sent.size());
  consumer->close();
}

}  // namespace
}  // namespace redline
