#include "kafka/relay.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>
#include <rocksdb/db.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/rules/alerts.h"
#include "engine/store_layout.h"
#include "events/codec.h"
#include "kafka/internal/consumer.h"

namespace redline {
namespace {

// Events per batch: produced together, confirmed together, then the cursor moves.
constexpr std::size_t kBatchEvents = 50'000;
// How long a message may wait for its delivery before the batch fails (librdkafka retries
// within this time, through broker restarts and leader changes).
constexpr int kDeliveryTimeoutMs = 30'000;

using internal::kafka_error;

}  // namespace

Result<Position> relay_cursor(const EventStore& store) {
  std::string value;
  const auto s = store.db()->Get(rocksdb::ReadOptions(), store.family(layout::kMetaFamily),
                                 rocksdb::Slice(layout::kRelayCursorKey.data(), layout::kRelayCursorKey.size()),
                                 &value);
  if (s.IsNotFound()) return Position(0);
  if (!s.ok()) return Status(ErrorCode::storage_error, "cannot read the relay cursor: " + s.ToString());
  auto position = layout::read_u64_be(value);
  if (!position) return Status(ErrorCode::corruption, "malformed relay cursor in the store's meta");
  return Position(*position);
}

struct Relay::Impl : public RdKafka::DeliveryReportCb, public internal::QuietKafkaLog {
  Impl(EventStore& s, KafkaConfig c) : store(s), config(std::move(c)), alerts(s) {}

  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      ++delivered;
    } else {
      ++failed;
      if (first_error.empty()) first_error = message.errstr();
    }
  }

  Status produce(const std::string& topic, const std::string& key, const std::string& value,
                 RdKafka::Headers* headers) {
    while (true) {
      const RdKafka::ErrorCode err = producer->produce(
          topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
          const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0, headers, nullptr);
      if (err == RdKafka::ERR_NO_ERROR) return Status::Ok();  // the headers now belong to it
      if (err != RdKafka::ERR__QUEUE_FULL) {
        delete headers;
        return kafka_error("cannot produce to " + topic + ": " + RdKafka::err2str(err));
      }
      producer->poll(50);  // room is made as deliveries are reported
    }
  }

  // Publishes (cursor, up to `last`] in one batch; returns the new cursor.
  Result<Position> publish_batch(Position cursor, Position last, RelayProgress* progress) {
    std::vector<std::pair<Position, std::string>> batch;
    REDLINE_RETURN_IF_ERROR(store.scan(cursor.next(), [&](Position position, std::string_view bytes) {
      if (position > last) return false;
      batch.emplace_back(position, std::string(bytes));
      return batch.size() < kBatchEvents;
    }));
    if (batch.empty()) return cursor;
    delivered = 0;
    failed = 0;
    first_error.clear();
    std::uint64_t alerts_in_batch = 0;
    for (const auto& [position, bytes] : batch) {
      // The header and the chain fields suffice for the events topic; only alerts are
      // decoded whole, to render them.
      EnvelopeHeader header;
      REDLINE_ASSIGN(header, decode_header(bytes));
      ChainFields chain;
      REDLINE_ASSIGN(chain, read_chain_fields(bytes));
      RdKafka::Headers* headers = RdKafka::Headers::create();
      headers->add("position", std::to_string(position.value()));
      headers->add("type", header.type);
      headers->add("schema", std::to_string(header.schema));
      headers->add("hash", to_hex(chain.hash));
      REDLINE_RETURN_IF_ERROR(produce(config.events_topic, header.stream, bytes, headers));
      if (is_alert_type(header.type)) {
        Envelope event;
        REDLINE_ASSIGN(event, decode_envelope(bytes));
        nlohmann::ordered_json alert;
        REDLINE_ASSIGN(alert, alerts.render(event));
        const std::string county = alert["county"].is_string() ? alert["county"].get<std::string>() : "";
        REDLINE_RETURN_IF_ERROR(produce(config.alerts_topic, county,
                                        alert.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace),
                                        nullptr));
        ++alerts_in_batch;
      }
      producer->poll(0);
    }
    producer->flush(kDeliveryTimeoutMs + 5'000);
    const std::uint64_t expected = batch.size() + alerts_in_batch;
    if (failed > 0 || delivered < expected) {
      return kafka_error("Kafka did not confirm " + std::to_string(expected - delivered) + " of " +
                         std::to_string(expected) + " messages from position " +
                         std::to_string(batch.front().first.value()) + ": " +
                         (first_error.empty() ? "delivery timed out" : first_error));
    }
    const Position next = batch.back().first;
    std::string value;
    layout::append_u64_be(&value, next.value());
    auto txn = store.begin_transaction();
    txn.put(layout::kMetaFamily, layout::kRelayCursorKey, value);
    REDLINE_RETURN_IF_ERROR(txn.commit());
    progress->events += batch.size();
    progress->alerts += alerts_in_batch;
    return next;
  }

  EventStore& store;
  KafkaConfig config;
  AlertRenderer alerts;
  std::unique_ptr<RdKafka::Producer> producer;
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;
  std::string first_error;
};

Relay::Relay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Relay::~Relay() {
  if (impl_ && impl_->producer) impl_->producer->flush(1'000);
}

Result<std::unique_ptr<Relay>> Relay::open(EventStore& store, const KafkaConfig& config) {
  if (config.brokers.empty()) {
    return kafka_error("Kafka is off: no brokers (give --kafka BROKERS, REDLINE_KAFKA or [kafka] brokers)");
  }
  auto impl = std::make_unique<Impl>(store, config);
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  const std::vector<std::pair<std::string, std::string>> settings = {
      {"bootstrap.servers", config.brokers},
      {"client.id", "redline-relay"},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "5"},
      {"message.timeout.ms", std::to_string(kDeliveryTimeoutMs)},
      {"queue.buffering.max.messages", std::to_string(4 * kBatchEvents)},
  };
  for (const auto& [name, value] : settings) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return kafka_error("Kafka setting " + name + "=" + value + ": " + error);
    }
  }
  if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(impl.get()), error) !=
          RdKafka::Conf::CONF_OK ||
      conf->set("event_cb", static_cast<RdKafka::EventCb*>(impl.get()), error) !=
          RdKafka::Conf::CONF_OK) {
    return kafka_error("cannot set the Kafka callbacks: " + error);
  }
  impl->producer.reset(RdKafka::Producer::create(conf.get(), error));
  if (!impl->producer) return kafka_error("cannot create a Kafka producer: " + error);
  return std::unique_ptr<Relay>(new Relay(std::move(impl)));
}

Status Relay::ensure_topics() {
  rd_kafka_t* handle = impl_->producer->c_ptr();
  const KafkaConfig& config = impl_->config;
  char error[512];
  std::vector<rd_kafka_NewTopic_t*> topics;
  for (const std::string* name : {&config.events_topic, &config.alerts_topic}) {
    rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(name->c_str(), config.partitions,
                                                       config.replication_factor, error, sizeof error);
    if (topic == nullptr) {
      for (auto* t : topics) rd_kafka_NewTopic_destroy(t);
      return kafka_error("topic " + *name + ": " + error);
    }
    if (name == &config.events_topic) {
      // The events topic is the log: it keeps everything.
      rd_kafka_NewTopic_set_config(topic, "retention.ms", "-1");
      rd_kafka_NewTopic_set_config(topic, "retention.bytes", "-1");
    }
    topics.push_back(topic);
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(handle);
  rd_kafka_CreateTopics(handle, topics.data(), topics.size(), nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, internal::kKafkaAnswerTimeoutMs);
  Status outcome = kafka_error("no answer from Kafka at " + config.brokers + " within " +
                               std::to_string(internal::kKafkaAnswerTimeoutMs / 1000) + " s (creating topics)");
  if (event != nullptr) {
    outcome = Status::Ok();
    if (rd_kafka_event_error(event)) {
      outcome = kafka_error(std::string("creating topics: ") + rd_kafka_event_error_string(event));
    } else {
      const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
      size_t count = 0;
      const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
      for (size_t i = 0; i < count && outcome.ok(); ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
          outcome = kafka_error(std::string("topic ") + rd_kafka_topic_result_name(results[i]) + ": " +
                                rd_kafka_topic_result_error_string(results[i]));
        }
      }
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_queue_destroy(queue);
  for (auto* t : topics) rd_kafka_NewTopic_destroy(t);
  return outcome;
}

Result<RelayProgress> Relay::publish_pending() {
  RelayProgress progress;
  REDLINE_ASSIGN(progress.cursor, relay_cursor(impl_->store));
  const Position head = impl_->store.head().position;
  while (progress.cursor < head) {
    REDLINE_ASSIGN(progress.cursor, impl_->publish_batch(progress.cursor, head, &progress));
  }
  return progress;
}

}  // namespace redline
