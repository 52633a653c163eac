// Replication from Kafka (SPEC §6): a complete store built from the events topic alone.
// Messages are ordered and deduplicated by their position; each event's stored bytes are
// appended as they are (StoreTransaction::append_stored checks position, chain and hash),
// with the directory and deadline index entries they imply. A missing position or a chain
// break is `corruption` naming it. Not thread-safe; the target store must not be in use.
#pragma once

#include <cstdint>

#include "engine/config.h"
#include "engine/event_store.h"

namespace redline {

struct ReplicaOutcome {
  std::uint64_t appended = 0;    // events added to the store
  std::uint64_t duplicates = 0;  // messages dropped: a position seen before or already stored
  Position head;
};

// Reads `config.events_topic` from its beginning to its end (as of the call) into `store`,
// continuing after the store's head.
Result<ReplicaOutcome> replicate_from_kafka(EventStore& store, const KafkaConfig& config,
                                            const RulesConfig& rules);

}  // namespace redline
