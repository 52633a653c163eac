// The current state of each kind of entity, folded from its stream's events: what command
// handlers check before they decide. Pure data and pure fold functions; thread-compatible.
// (The read projections of issue 4 are built separately; these are the write side's.)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/config.h"
#include "events/envelope.h"

namespace redline {

REDLINE_ENUM(HazardPhase, reported, classified, rectifying, submitted, verified, closed,
             dismissed);

// Stream ids (SPEC §2).
std::string unit_stream(std::string_view id);
std::string institution_stream(std::string_view id);
std::string hazard_stream(std::string_view id);
std::string inspection_stream(std::string_view id);
std::string report_stream(std::string_view id);
std::string campaign_stream(std::string_view id);
std::string volunteer_stream(std::string_view id);

struct UnitState {
  bool exists = false;
  UnitKind kind = UnitKind::department;
  std::optional<std::string> county;
};

struct InstitutionState {
  bool exists = false;
  std::string county;
  InstitutionKind kind = InstitutionKind::elderly_care;
};

struct VolunteerState {
  bool exists = false;
};

struct CampaignState {
  bool exists = false;
  std::string starts_on;
  std::string ends_on;
};

struct InspectionState {
  bool exists = false;
  InspectionMode mode = InspectionMode::spot_check;
  std::optional<std::string> county;
  std::vector<std::string> institutions;
  std::vector<std::string> inspectors;
  bool started = false;
  bool completed = false;
};

struct ReportState {
  bool exists = false;
  std::optional<std::string> institution_id;
  std::string description;
  std::vector<MediaItem> media;
  std::optional<TriageDecision> decision;
  std::optional<std::string> hazard_id;
  bool published = false;
};

struct HazardState {
  bool exists = false;
  std::string institution_id;
  std::string county;
  Category category = Category::other;
  HazardPhase phase = HazardPhase::reported;
  std::optional<Severity> severity;
  Timestamp classified_at;
  std::optional<ListingLevel> listed;
  EscalationLevel escalation = EscalationLevel::institution;
  bool has_plan = false;
  // The latest limit a plan's deadline may reach (set by classification rules, moved by
  // DeadlineExtended); unset until classified.
  std::optional<Timestamp> rectification_limit;
  std::optional<Timestamp> plan_deadline;
  std::optional<Timestamp> rectification_deadline;
  std::optional<std::string> submitted_by;  // actor id of the last submission
  std::optional<Timestamp> submitted_at;
  std::uint32_t reopen_count = 0;  // failed verifications
  bool overdue = false;            // a DeadlineMissed not yet cleared (SPEC §4)
  bool ever_overdue = false;       // any DeadlineMissed at all (the on-time rate)
  Timestamp updated_at;            // occurred_at of its last event

  // The active deadline: the plan deadline while a major hazard has no plan, else the
  // rectification deadline (SPEC §4); none once submitted, closed or dismissed.
  std::optional<Timestamp> active_deadline() const;
};

// What a fold needs of an event, whether stored (Envelope) or just decided (NewEvent).
struct EventFacts {
  const Event& data;
  Timestamp occurred_at;
  const std::string& actor_id;
};
inline EventFacts facts_of(const Envelope& e) { return {e.data, e.occurred_at, e.actor.id}; }
inline EventFacts facts_of(const NewEvent& e) { return {e.data, e.occurred_at, e.actor.id}; }

void apply(UnitState& state, const EventFacts& event);
void apply(InstitutionState& state, const EventFacts& event);
void apply(VolunteerState& state, const EventFacts& event);
void apply(CampaignState& state, const EventFacts& event);
void apply(InspectionState& state, const EventFacts& event);
void apply(ReportState& state, const EventFacts& event);
// A hazard fold needs the rule days of config [rules] to know its limits.
void apply(HazardState& state, const EventFacts& event, const RulesConfig& rules);

}  // namespace redline
