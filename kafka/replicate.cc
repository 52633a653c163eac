#include "kafka/replicate.h"

#include <librdkafka/rdkafkacpp.h>
#include <rocksdb/db.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/domain/domain_cache.h"
#include "engine/rules/due_items.h"
#include "engine/rules/event_stager.h"
#include "engine/rules/rule_ids.h"
#include "engine/store_layout.h"
#include "events/codec.h"
#include "kafka/internal/consumer.h"

namespace redline {
namespace {

constexpr std::size_t kCommitEvents = 10'000;

using internal::kafka_error;

// Every message of the topic's partitions up to their ends, by position (duplicates
// dropped and counted).
Result<std::map<std::uint64_t, std::string>> read_topic(const KafkaConfig& config, std::uint64_t after,
                                                        std::uint64_t* duplicates) {
  internal::Consumer opened;
  REDLINE_ASSIGN(opened, internal::open_consumer(config.brokers, "redline-replicate",
                                                 {{"enable.auto.commit", "false"}}));
  RdKafka::KafkaConsumer* consumer = opened.consumer.get();
  std::vector<std::int32_t> ids;
  REDLINE_ASSIGN(ids, internal::topic_partitions(*consumer, config.brokers, config.events_topic));
  std::vector<RdKafka::TopicPartition*> partitions;
  for (std::int32_t id : ids) {
    partitions.push_back(
        RdKafka::TopicPartition::create(config.events_topic, id, RdKafka::Topic::OFFSET_BEGINNING));
  }
  const std::size_t partition_count = partitions.size();
  consumer->assign(partitions);
  RdKafka::TopicPartition::destroy(partitions);

  std::map<std::uint64_t, std::string> events;
  std::set<std::int32_t> at_end;
  auto quiet_since = std::chrono::steady_clock::now();
  while (at_end.size() < partition_count) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(500));
    if (message->err() == RdKafka::ERR__PARTITION_EOF) {
      at_end.insert(message->partition());
      continue;
    }
    if (message->err() == RdKafka::ERR__TIMED_OUT) {
      if (std::chrono::steady_clock::now() - quiet_since > std::chrono::milliseconds(internal::kKafkaAnswerTimeoutMs)) {
        return kafka_error("Kafka at " + config.brokers + " stopped answering while reading " +
                           config.events_topic);
      }
      continue;
    }
    if (message->err() != RdKafka::ERR_NO_ERROR) {
      return kafka_error("reading " + config.events_topic + ": " + message->errstr());
    }
    quiet_since = std::chrono::steady_clock::now();
    at_end.erase(message->partition());
    std::string_view bytes(static_cast<const char*>(message->payload()), message->len());
    auto chain = read_chain_fields(bytes);
    if (!chain.ok()) {
      return Status(ErrorCode::corruption, "a message at offset " + std::to_string(message->offset()) +
                                               " of " + config.events_topic + " is not an event: " +
                                               chain.status().message());
    }
    const std::uint64_t position = chain->position.value();
    if (position <= after || !events.emplace(position, std::string(bytes)).second) ++*duplicates;
  }
  consumer->close();
  return events;
}

}  // namespace

Result<ReplicaOutcome> replicate_from_kafka(EventStore& store, const KafkaConfig& config,
                                            const RulesConfig& rules) {
  if (config.brokers.empty()) return kafka_error("Kafka is off: no brokers to replicate from");
  ReplicaOutcome outcome;
  const Position start = store.head().position;
  std::map<std::uint64_t, std::string> events;
  REDLINE_ASSIGN(events, read_topic(config, start.value(), &outcome.duplicates));

  DomainCache cache(store);
  std::optional<StoreTransaction> txn;
  std::uint64_t expected = start.value() + 1;
  // The latest instant a deadline rule acted at: the source had ticked at least that far.
  std::optional<Timestamp> ticked;
  for (const auto& [position, bytes] : events) {
    if (position != expected) {
      if (txn) REDLINE_RETURN_IF_ERROR(txn->commit());
      return Status(ErrorCode::corruption, "position " + std::to_string(expected) + " is missing from " +
                                               config.events_topic + " (the next one there is " +
                                               std::to_string(position) + ")");
    }
    if (!txn) txn.emplace(store.begin_transaction());
    auto stored = stage_stored_event(*txn, cache, rules, bytes);
    if (!stored.ok()) {
      (void)txn->commit();  // what chained correctly before the break stays
      return stored.status();
    }
    auto header = decode_header(bytes);
    if (header.ok() && header->rule &&
        (*header->rule == rules::kDeadlineMissed || *header->rule == rules::kStillOverdue ||
         *header->rule == rules::kVerificationOverdue || *header->rule == rules::kCampaignObligations)) {
      if (!ticked || header->occurred_at > *ticked) ticked = header->occurred_at;
    }
    ++outcome.appended;
    ++expected;
    if (txn->staged_event_count() >= kCommitEvents) {
      REDLINE_RETURN_IF_ERROR(txn->commit());
      txn.reset();
    }
  }
  if (!txn) txn.emplace(store.begin_transaction());
  if (ticked) {
    // The source's ticks handled every campaign check due by then (they leave no event
    // when nobody missed anything); the hazards' items follow from their states.
    std::string value;
    layout::append_instant_be(&value, *ticked);
    txn->put(layout::kMetaFamily, layout::kTickKey, value);
    REDLINE_RETURN_IF_ERROR(txn->commit());
    txn.emplace(store.begin_transaction());
    std::unique_ptr<rocksdb::Iterator> it(
        store.db()->NewIterator(rocksdb::ReadOptions(), store.family(layout::kDeadlinesFamily)));
    const std::string end = due_key_after(*ticked);
    for (it->SeekToFirst(); it->Valid() && it->key().compare(end) < 0; it->Next()) {
      const std::string_view key(it->key().data(), it->key().size());
      auto item = parse_due_item(key, std::string_view(it->value().data(), it->value().size()));
      if (item && item->is_campaign()) txn->erase(layout::kDeadlinesFamily, key);
    }
  }
  REDLINE_RETURN_IF_ERROR(txn->commit());
  outcome.head = store.head().position;
  return outcome;
}

}  // namespace redline
