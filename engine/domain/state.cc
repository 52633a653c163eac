#include "engine/domain/state.h"

#include <variant>

#include "events/overloaded.h"

namespace redline {
namespace {

std::string with_prefix(std::string_view prefix, std::string_view id) {
  std::string stream(prefix);
  stream.append(id);
  return stream;
}

}  // namespace

std::string unit_stream(std::string_view id) { return with_prefix("unit-", id); }
std::string institution_stream(std::string_view id) { return with_prefix("institution-", id); }
std::string hazard_stream(std::string_view id) { return with_prefix(kHazardStreamPrefix, id); }
std::string inspection_stream(std::string_view id) { return with_prefix("inspection-", id); }
std::string report_stream(std::string_view id) { return with_prefix("report-", id); }
std::string campaign_stream(std::string_view id) { return with_prefix("campaign-", id); }
std::string volunteer_stream(std::string_view id) { return with_prefix("volunteer-", id); }
std::string systemic_stream(std::string_view county, Category category) {
  std::string stream = with_prefix("systemic-", county);
  stream.push_back('-');
  stream.append(to_string(category));
  return stream;
}

void apply(UnitState& state, const EventFacts& event) {
  if (const auto* e = std::get_if<UnitRegistered>(&event.data)) {
    state.exists = true;
    state.kind = e->kind;
    state.county = e->county;
  }
}

void apply(InstitutionState& state, const EventFacts& event) {
  std::visit(Overloaded{
                 [&](const InstitutionRegistered& e) {
                   state.exists = true;
                   state.county = e.county;
                   state.kind = e.kind;
                 },
                 [&](const DrillRecorded& e) { state.drill_days.push_back(e.held_on); },
                 [&](const ResponsibilityLetterSigned& e) {
                   state.letter_days.push_back(e.signed_on);
                 },
                 [](const auto&) {},
             },
             event.data);
}

void apply(VolunteerState& state, const EventFacts& event) {
  if (std::holds_alternative<VolunteerRegistered>(event.data)) state.exists = true;
}

void apply(CampaignState& state, const EventFacts& event) {
  std::visit(Overloaded{
                 [&](const CampaignStarted& e) {
                   state.exists = true;
                   state.starts_on = e.starts_on;
                   state.ends_on = e.ends_on;
                   state.liaison_due = e.liaison_due;
                   state.summary_due = e.summary_due;
                 },
                 [&](const LiaisonListSubmitted& e) {
                   state.liaison_lists.try_emplace(e.unit_id, event.occurred_at);
                 },
                 [&](const SummarySubmitted& e) {
                   state.summaries.try_emplace(e.unit_id, event.occurred_at);
                 },
                 [](const auto&) {},
             },
             event.data);
}

void apply(SystemicState& state, const EventFacts& event) {
  if (std::holds_alternative<SystemicHazardIdentified>(event.data)) {
    state.identified_at.push_back(event.occurred_at);
  }
}

void apply(InspectionState& state, const EventFacts& event) {
  std::visit(Overloaded{
                 [&](const InspectionPlanned& e) {
                   state.exists = true;
                   state.mode = e.mode;
                   state.county = e.county;
                   state.institutions = e.institutions;
                   state.inspectors = e.inspectors;
                 },
                 [&](const InspectionStarted&) { state.started = true; },
                 [&](const InspectionCompleted&) { state.completed = true; },
                 [](const auto&) {},
             },
             event.data);
}

void apply(ReportState& state, const EventFacts& event) {
  std::visit(Overloaded{
                 [&](const PublicReportReceived& e) {
                   state.exists = true;
                   state.institution_id = e.institution_id;
                   state.description = e.description;
                   state.media = e.media;
                 },
                 [&](const PublicReportTriaged& e) {
                   state.decision = e.decision;
                   state.hazard_id = e.hazard_id;
                 },
                 [&](const PublicReportPublished&) { state.published = true; },
                 [](const auto&) {},
             },
             event.data);
}

DeadlineKind HazardState::active_deadline_kind() const {
  return severity == Severity::major && !has_plan ? DeadlineKind::plan
                                                  : DeadlineKind::rectification;
}

std::optional<Timestamp> HazardState::active_deadline() const {
  if (!is_open()) return std::nullopt;
  return active_deadline_kind() == DeadlineKind::plan ? plan_deadline : rectification_deadline;
}

namespace {

void clear_overdue(HazardState& state) {
  state.overdue = false;
  state.overdue_escalations = 0;
}

void raise_limit(HazardState& state, Timestamp deadline) {
  if (!state.rectification_limit || *state.rectification_limit < deadline) {
    state.rectification_limit = deadline;
  }
}

}  // namespace

void apply(HazardState& state, const EventFacts& event) {
  state.updated_at = event.occurred_at;
  const bool was_open = state.is_open();
  const std::optional<Timestamp> deadline_before = state.active_deadline();
  std::visit(
      Overloaded{
          [&](const HazardReported& e) {
            state.exists = true;
            state.institution_id = e.institution_id;
            state.county = e.county;
            state.category = e.category;
          },
          [&](const HazardClassified& e) {
            state.phase = HazardPhase::classified;
            state.severity = e.severity;
            state.classified_at = event.occurred_at;
          },
          [&](const HazardDismissed&) {
            // Dismissal is terminal: nothing is left to supervise, so a listing (a major
            // hazard is listed on classification) ends with it.
            state.phase = HazardPhase::dismissed;
            state.listed.reset();
            clear_overdue(state);
          },
          [&](const RectificationPlanned&) {
            // A late plan ends a missed plan deadline: its own deadline becomes the active one.
            if (state.severity == Severity::major && !state.has_plan) clear_overdue(state);
            state.phase = HazardPhase::rectifying;
            state.has_plan = true;
            // The plan's deadline becomes the rectification deadline through the DeadlineSet
            // of the plan-deadline rule that follows it.
          },
          [&](const DeadlineMissed&) {
            state.overdue = true;
            state.ever_overdue = true;
            state.missed_at = event.occurred_at;
            state.missed_position = event.position;
            state.overdue_escalations = 0;
          },
          [&](const DeadlineSet& e) {
            if (e.kind == DeadlineKind::plan) {
              state.plan_deadline = e.deadline;
            } else {
              state.rectification_deadline = e.deadline;
              raise_limit(state, e.deadline);
            }
          },
          [&](const DeadlineExtended& e) {
            // Extends whichever deadline is active: a major hazard without a plan gets more
            // time to plan, any other more time to rectify.
            if (state.active_deadline_kind() == DeadlineKind::plan) {
              state.plan_deadline = e.new_deadline;
            } else {
              state.rectification_deadline = e.new_deadline;
              raise_limit(state, e.new_deadline);
            }
            if (e.new_deadline > event.occurred_at) clear_overdue(state);
          },
          [&](const RectificationSubmitted&) {
            clear_overdue(state);
            state.phase = HazardPhase::submitted;
            state.submitted_by = event.actor_id;
            state.submitted_at = event.occurred_at;
            state.submitted_position = event.position;
            state.verification_overdue = false;
          },
          [&](const RectificationVerified& e) {
            if (e.passed) {
              state.phase = HazardPhase::verified;
            } else {
              state.phase = state.has_plan ? HazardPhase::rectifying : HazardPhase::classified;
              ++state.reopen_count;
            }
          },
          [&](const VerificationOverdue&) { state.verification_overdue = true; },
          [&](const HazardClosed&) { state.phase = HazardPhase::closed; },
          [&](const HazardListed& e) {
            state.listed = e.level;
            const auto at_least = e.level == ListingLevel::city ? EscalationLevel::city
                                                                : EscalationLevel::county;
            if (state.escalation < at_least) state.escalation = at_least;
          },
          [&](const HazardDelisted&) { state.listed.reset(); },
          [&](const HazardEscalated& e) {
            state.escalation = e.to;
            if (state.overdue && e.reason == kStillOverdueReason) ++state.overdue_escalations;
          },
          [&](const ReferredToGovernment&) { state.escalation = EscalationLevel::government; },
          [](const auto&) {},
      },
      event.data);
  // deadline-missed judges each armed deadline once: a new active deadline, or a failed
  // verification reopening the hazard, arms it again from this event.
  const std::optional<Timestamp> deadline_after = state.active_deadline();
  if (deadline_after && (deadline_after != deadline_before || !was_open)) {
    state.deadline_armed_at = event.occurred_at;
    state.deadline_armed_by = event.position;
  }
}

}  // namespace redline
