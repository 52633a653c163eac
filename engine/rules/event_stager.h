// Stages events together with everything they imply in the same commit: the append itself,
// the directory entries, the deadline index changes, and the fold into the write-side
// cache. Command handling and the tick both stage through here, so the deadline index
// never disagrees with the log. Not thread-safe (the cache and the transaction are not).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "engine/config.h"
#include "engine/domain/domain_cache.h"
#include "engine/event_store.h"
#include "engine/rules/due_items.h"

namespace redline {

struct StagedEvents {
  StagedAppend append;
  std::vector<DueItem> armed;     // deadline index items added (or moved)
  std::vector<DueItem> disarmed;  // deadline index items removed (or moved away)
};

// Stages `events` in order (expected_version as StoreTransaction::append). On error nothing
// is staged and the cache is unchanged.
Result<StagedEvents> stage_events(StoreTransaction& txn, DomainCache& cache,
                                  const RulesConfig& rules, std::span<const NewEvent> events,
                                  std::optional<StreamVersion> expected_version);

// Stages an event exactly as another store wrote it (replication, StoreTransaction::
// append_stored) with the same implications as stage_events.
Result<StagedEvents> stage_stored_event(StoreTransaction& txn, DomainCache& cache,
                                        const RulesConfig& rules, std::string_view bytes);

}  // namespace redline
