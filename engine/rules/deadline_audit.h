// The audit of the deadline index (`redline audit deadlines`): recomputes from the log alone
// every item the index should hold — each hazard's items from its folded state, each
// campaign's checks not yet passed by the last tick — and compares them with the
// `deadlines` family. A crash, a bug or a hand edit that left the index disagreeing with the
// log would make a tick miss or repeat a rule; this names the first differences. The
// hazards' items are computed with the rule parameters given (the current configuration).
// Reads only; folds every hazard in memory (about a kilobyte each). Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/event_store.h"

namespace redline {

struct DeadlineAudit {
  std::uint64_t events_read = 0;
  std::uint64_t items_stored = 0;
  std::uint64_t items_implied = 0;
  // The first differences (at most 10), each "missing: ..." or "unexpected: ...".
  std::vector<std::string> differences;
  std::uint64_t difference_count = 0;

  bool intact() const { return difference_count == 0; }
};

Result<DeadlineAudit> audit_deadline_index(const EventStore& store, const RulesConfig& rules);

}  // namespace redline
