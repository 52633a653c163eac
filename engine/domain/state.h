// The current state of each kind of entity, folded from its stream's events: what command
// handlers check before they decide. Pure data and pure fold functions; thread-compatible.
// (The read projections of issue 4 are built separately; these are the write side's.)
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "events/envelope.h"

namespace redline {

REDLINE_ENUM(HazardPhase, reported, classified, rectifying, submitted, verified, closed,
             dismissed);

// Stream ids (SPEC §2). A hazard's stream is kHazardStreamPrefix followed by its id.
inline constexpr std::string_view kHazardStreamPrefix = "hazard-";
std::string unit_stream(std::string_view id);
std::string institution_stream(std::string_view id);
std::string hazard_stream(std::string_view id);
std::string inspection_stream(std::string_view id);
std::string report_stream(std::string_view id);
std::string campaign_stream(std::string_view id);
std::string volunteer_stream(std::string_view id);
std::string systemic_stream(std::string_view county, Category category);

struct UnitState {
  bool exists = false;
  UnitKind kind = UnitKind::department;
  std::optional<std::string> county;
};

struct InstitutionState {
  bool exists = false;
  std::string county;
  InstitutionKind kind = InstitutionKind::elderly_care;
  std::vector<std::string> drill_days;   // held_on of each drill, as recorded
  std::vector<std::string> letter_days;  // signed_on of each responsibility letter to it
};

struct VolunteerState {
  bool exists = false;
};

struct CampaignState {
  bool exists = false;
  std::string starts_on;
  std::string ends_on;
  std::string liaison_due;
  std::string summary_due;
  // Unit id → occurred_at of its first submission of each kind.
  std::map<std::string, Timestamp> liaison_lists;
  std::map<std::string, Timestamp> summaries;
};

// A systemic-{county}-{category} stream: when it was identified.
struct SystemicState {
  std::vector<Timestamp> identified_at;
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

// HazardEscalated.reason of the still-overdue rule; the fold counts these steps.
inline constexpr std::string_view kStillOverdueReason = "still_overdue";

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
  // The latest deadline a plan may name: the latest rectification deadline the rules set
  // or an extension granted (plans only ever move the deadline earlier). Unset until the
  // classification rules ran.
  std::optional<Timestamp> rectification_limit;
  std::optional<Timestamp> plan_deadline;
  std::optional<Timestamp> rectification_deadline;
  // When the active deadline was last (re)armed for deadline-missed, and by which event:
  // set whenever the active deadline changes or a failed verification reopens the hazard.
  Timestamp deadline_armed_at;
  Position deadline_armed_by;
  std::optional<std::string> submitted_by;  // actor id of the last submission
  std::optional<Timestamp> submitted_at;
  Position submitted_position;        // the last RectificationSubmitted
  bool verification_overdue = false;  // VerificationOverdue since the last submission
  std::uint32_t reopen_count = 0;     // failed verifications
  bool overdue = false;               // a DeadlineMissed not yet cleared (SPEC §4)
  bool ever_overdue = false;          // any DeadlineMissed at all (the on-time rate)
  Timestamp missed_at;                // occurred_at of the DeadlineMissed behind `overdue`
  Position missed_position;           // …and its position
  std::uint32_t overdue_escalations = 0;  // still-overdue escalations since that miss
  Timestamp updated_at;               // occurred_at of its last event

  // Classified or rectifying: work on it is due.
  bool is_open() const {
    return phase == HazardPhase::classified || phase == HazardPhase::rectifying;
  }
  // Which deadline is active: the plan deadline while a major hazard has no plan, else the
  // rectification deadline (SPEC §4).
  DeadlineKind active_deadline_kind() const;
  // The active deadline's instant; none unless open.
  std::optional<Timestamp> active_deadline() const;
};

// What a fold needs of an event, whether stored (Envelope) or just decided (NewEvent).
// `position` is where the event is (or will be) in the log.
struct EventFacts {
  const Event& data;
  Timestamp occurred_at;
  const std::string& actor_id;
  Position position;
};
inline EventFacts facts_of(const Envelope& e) {
  return {e.data, e.occurred_at, e.actor.id, e.position};
}
inline EventFacts facts_of(const NewEvent& e, Position position) {
  return {e.data, e.occurred_at, e.actor.id, position};
}

void apply(UnitState& state, const EventFacts& event);
void apply(InstitutionState& state, const EventFacts& event);
void apply(VolunteerState& state, const EventFacts& event);
void apply(CampaignState& state, const EventFacts& event);
void apply(SystemicState& state, const EventFacts& event);
void apply(InspectionState& state, const EventFacts& event);
void apply(ReportState& state, const EventFacts& event);
// Depends on the events only, never on the configuration: the rules wrote their decisions
// (deadlines, listings, escalations) into the log as events.
void apply(HazardState& state, const EventFacts& event);

}  // namespace redline
