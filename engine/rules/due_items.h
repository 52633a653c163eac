// The deadline index: every instant a deadline rule will be due, kept in the store's
// `deadlines` column family in the same commits that set, move or clear it, so a tick reads
// only what is due. An item is a pure function of its subject's folded state and the rule
// parameters (hazards) or of the campaign's start (campaigns), which is what lets a commit
// stage the difference between the items before and after its events. Pure functions;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config.h"
#include "engine/domain/state.h"

namespace redline {

REDLINE_ENUM(DueKind, deadline_missed, still_overdue, verification_overdue, liaison_list,
             summary, campaign_end);

struct DueItem {
  Timestamp due;
  DueKind kind = DueKind::deadline_missed;
  std::string subject;  // hazard id or campaign id
  Position caused_by;   // the event that armed it: the rule event's caused_by

  bool is_campaign() const { return kind >= DueKind::liaison_list; }
  bool operator==(const DueItem&) const = default;
};

// The key orders items by due instant, then kind, then subject.
std::string due_key(const DueItem& item);
std::string due_value(const DueItem& item);
// nullopt when the bytes are not a due item.
std::optional<DueItem> parse_due_item(std::string_view key, std::string_view value);
// The smallest key of items due after `instant`.
std::string due_key_after(Timestamp instant);

// The next rung above `level` on the configured ladder; nullopt at the top.
std::optional<EscalationLevel> next_rung(const RulesConfig& rules, EscalationLevel level);

// What a hazard in this state is waiting for (SPEC §4):
//  - deadline-missed while it is open and not overdue: due at its active deadline, or when
//    the deadline was armed if that was later (a failed verification reopening a hazard
//    past its deadline);
//  - still-overdue while it is open, overdue and not at the top of the ladder: due at the
//    missed deadline + interval × (escalations since the miss + 1);
//  - verification-overdue while it is submitted and not yet flagged: due `verification_days`
//    after the submission.
std::vector<DueItem> hazard_due_items(std::string_view hazard_id, const HazardState& hazard,
                                      const RulesConfig& rules);

// A campaign's three checks: liaison lists at the end of liaison_due, summaries at the end
// of summary_due, drills and letters at the end of ends_on. Empty if a day does not parse.
std::vector<DueItem> campaign_due_items(const CampaignStarted& campaign, Position started_at);

// The instant a day field ends ("2026-06-30" → 2026-07-01T00:00:00Z).
std::optional<Timestamp> end_of_day(std::string_view day);

}  // namespace redline
