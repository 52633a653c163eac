// What-if for rule parameters (`redline rules simulate`): replays the events that commands
// produced (not the rule events) into a scratch store, re-deriving every rule event with
// the given parameters and ticking to each event's business time before appending it, and
// counts per county what the rules did. The source store is only read. The commands
// themselves are not re-validated: their events are facts, appended as they were. Not
// thread-safe per call; separate calls may run in parallel on one source.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "engine/config.h"
#include "engine/event_store.h"

namespace redline {

struct RuleCounts {
  std::int64_t deadlines_missed = 0;
  std::int64_t escalations = 0;
  std::int64_t listings = 0;
  std::int64_t accountability = 0;
  std::int64_t obligations_missed = 0;
  bool operator==(const RuleCounts&) const = default;
};

struct RuleSimulation {
  std::map<std::string, RuleCounts> by_county;
  RuleCounts total;
  std::uint64_t events_replayed = 0;  // command events taken from the source
  Timestamp ticked_to;
};

// Replays `source` up to business time `until` (every event when unset, then ticks to the
// source's last tick, or its latest business time if it never ticked) into a new store at
// `scratch_path` (which must not exist) with `rules`.
Result<RuleSimulation> simulate_rules(const EventStore& source, const RulesConfig& rules,
                                      std::optional<Timestamp> until,
                                      const std::string& scratch_path);

// The same counts of the rule events already in a store.
Result<RuleSimulation> count_rule_outcomes(const EventStore& store);

}  // namespace redline
