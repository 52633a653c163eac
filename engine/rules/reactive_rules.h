// The reactive rules of SPEC §4 (general-deadline, major-plan-deadline, major-listing,
// plan-deadline, assistance-referral, systemic): what a command's events imply at once.
// Their events go into the same commit as the command's, each right after the event that
// triggered it, so no reader ever sees a major hazard that is not yet listed. Deterministic
// in the events, the cached states and the rule parameters. Not thread-safe (reads the
// write-side cache).
#pragma once

#include <vector>

#include "engine/config.h"
#include "engine/domain/domain_cache.h"

namespace redline {

// `decision` followed, event by event, by the rule events each one triggers; the first
// event will be at `first_position`. Reads (and may load) states in the cache but changes
// none of them.
Result<std::vector<NewEvent>> with_reactive_rules(std::vector<NewEvent> decision,
                                                  DomainCache& cache, const RulesConfig& rules,
                                                  Position first_position);

// Rule events of `rule` caused by the event at `caused_by`, by the rules actor.
NewEvent rule_event(std::string stream, Event data, Timestamp occurred_at, std::string_view rule,
                    Position caused_by);

}  // namespace redline
