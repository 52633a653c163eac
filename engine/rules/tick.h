// The deadline rules of SPEC §4 (deadline-missed, still-overdue, verification-overdue,
// campaign-obligations), run by `redline tick --now TIME`: every item of the deadline
// index due at or before `now` and not yet handled, in due order, each rule event with
// occurred_at = its due instant, actor system, its rule and caused_by. Items the rule
// events arm at or before `now` (the next still-overdue step) are handled in the same
// tick. The instant ticked to is kept in the store (meta "tick"); ticking to it or to an
// earlier instant appends nothing. Not thread-safe with other writers of the same store
// (it takes the store's writer transaction).
#pragma once

#include <optional>

#include "engine/config.h"
#include "engine/domain/domain_cache.h"
#include "engine/event_store.h"

namespace redline {

struct TickOutcome {
  // Positions of the events appended, if any (first..last, gap-free).
  std::optional<Position> first_position;
  std::optional<Position> last_position;
  std::size_t items_handled = 0;  // deadline index items that were due
  // The instant the store had already ticked to, when it was `now` or later.
  std::optional<Timestamp> already_ticked_to;
};

// The instant the store last ticked to; nullopt if it never ticked.
Result<std::optional<Timestamp>> last_tick(const EventStore& store);

// `cache`, when given, is the write-side cache of a CommandProcessor on the same store: the
// tick reads and folds through it, so the processor's later commands see the tick's events.
// Nothing of that processor may be in flight. Without it the tick loads what it needs.
Result<TickOutcome> run_tick(EventStore& store, const RulesConfig& rules, Timestamp now,
                             DomainCache* cache = nullptr);

}  // namespace redline
