#include "engine/rules/due_items.h"

#include <algorithm>

#include "engine/store_layout.h"
#include "events/time.h"

namespace redline {

std::string due_key(const DueItem& item) {
  std::string key;
  key.reserve(9 + item.subject.size());
  layout::append_instant_be(&key, item.due);
  key.push_back(static_cast<char>(item.kind));
  key.append(item.subject);
  return key;
}

std::string due_value(const DueItem& item) {
  std::string value;
  layout::append_u64_be(&value, item.caused_by.value());
  return value;
}

std::optional<DueItem> parse_due_item(std::string_view key, std::string_view value) {
  if (key.size() < 10) return std::nullopt;
  auto due = layout::read_instant_be(key.substr(0, 8));
  const auto kind = static_cast<DueKind>(static_cast<std::uint8_t>(key[8]));
  auto caused_by = layout::read_u64_be(value);
  if (!due || !caused_by || !is_valid(kind)) return std::nullopt;
  return DueItem{*due, kind, std::string(key.substr(9)), Position(*caused_by)};
}

std::string due_key_after(Timestamp instant) {
  std::string key;
  layout::append_instant_be(&key, Timestamp(instant.value() + 1));
  return key;
}

std::optional<EscalationLevel> next_rung(const RulesConfig& rules, EscalationLevel level) {
  for (EscalationLevel rung : rules.escalation_ladder) {
    if (rung > level) return rung;
  }
  return std::nullopt;
}

std::vector<DueItem> hazard_due_items(std::string_view hazard_id, const HazardState& hazard,
                                      const RulesConfig& rules) {
  std::vector<DueItem> items;
  if (hazard.is_open()) {
    if (!hazard.overdue) {
      if (auto deadline = hazard.active_deadline()) {
        items.push_back({std::max(*deadline, hazard.deadline_armed_at), DueKind::deadline_missed,
                         std::string(hazard_id), hazard.deadline_armed_by});
      }
    } else if (next_rung(rules, hazard.escalation)) {
      const std::int64_t steps = hazard.overdue_escalations + 1;
      items.push_back({Timestamp(hazard.missed_at.value() +
                                 steps * rules.escalation_interval_days * kMillisPerDay),
                       DueKind::still_overdue, std::string(hazard_id), hazard.missed_position});
    }
  }
  if (hazard.phase == HazardPhase::submitted && hazard.submitted_at &&
      !hazard.verification_overdue) {
    items.push_back(
        {Timestamp(hazard.submitted_at->value() + rules.verification_days * kMillisPerDay),
         DueKind::verification_overdue, std::string(hazard_id), hazard.submitted_position});
  }
  return items;
}

std::optional<Timestamp> end_of_day(std::string_view day) {
  auto start = parse_day(day);
  if (!start) return std::nullopt;
  return Timestamp(start->value() + kMillisPerDay);
}

std::vector<DueItem> campaign_due_items(const CampaignStarted& campaign, Position started_at) {
  auto liaison = end_of_day(campaign.liaison_due);
  auto summary = end_of_day(campaign.summary_due);
  auto end = end_of_day(campaign.ends_on);
  if (!liaison || !summary || !end) return {};
  return {{*liaison, DueKind::liaison_list, campaign.campaign_id, started_at},
          {*summary, DueKind::summary, campaign.campaign_id, started_at},
          {*end, DueKind::campaign_end, campaign.campaign_id, started_at}};
}

}  // namespace redline
