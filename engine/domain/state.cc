#include "engine/domain/state.h"

#include <variant>

namespace redline {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::string with_prefix(std::string_view prefix, std::string_view id) {
  std::string stream(prefix);
  stream.append(id);
  return stream;
}

}  // namespace

std::string unit_stream(std::string_view id) { return with_prefix("unit-", id); }
std::string institution_stream(std::string_view id) { return with_prefix("institution-", id); }
std::string hazard_stream(std::string_view id) { return with_prefix("hazard-", id); }
std::string inspection_stream(std::string_view id) { return with_prefix("inspection-", id); }
std::string report_stream(std::string_view id) { return with_prefix("report-", id); }
std::string campaign_stream(std::string_view id) { return with_prefix("campaign-", id); }
std::string volunteer_stream(std::string_view id) { return with_prefix("volunteer-", id); }

void apply(UnitState& state, const EventFacts& event) {
  if (const auto* e = std::get_if<UnitRegistered>(&event.data)) {
    state.exists = true;
    state.kind = e->kind;
    state.county = e->county;
  }
}

void apply(InstitutionState& state, const EventFacts& event) {
  if (const auto* e = std::get_if<InstitutionRegistered>(&event.data)) {
    state.exists = true;
    state.county = e->county;
    state.kind = e->kind;
  }
}

void apply(VolunteerState& state, const EventFacts& event) {
  if (std::holds_alternative<VolunteerRegistered>(event.data)) state.exists = true;
}

void apply(CampaignState& state, const EventFacts& event) {
  if (const auto* e = std::get_if<CampaignStarted>(&event.data)) {
    state.exists = true;
    state.starts_on = e->starts_on;
    state.ends_on = e->ends_on;
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

std::optional<Timestamp> HazardState::active_deadline() const {
  if (phase != HazardPhase::classified && phase != HazardPhase::rectifying) return std::nullopt;
  if (severity == Severity::major && !has_plan) return plan_deadline;
  return rectification_deadline;
}

void apply(HazardState& state, const EventFacts& event, const RulesConfig& rules) {
  state.updated_at = event.occurred_at;
  const auto days = [](std::int64_t n) { return n * kMillisPerDay; };
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
            const std::int64_t limit_days = e.severity == Severity::major
                                                ? rules.major_rectification_days
                                                : rules.general_rectification_days;
            state.rectification_limit = Timestamp(event.occurred_at.value() + days(limit_days));
            if (e.severity == Severity::major) {
              state.plan_deadline = Timestamp(event.occurred_at.value() + days(rules.major_plan_days));
            } else {
              state.rectification_deadline = state.rectification_limit;
            }
          },
          [&](const HazardDismissed&) {
            state.phase = HazardPhase::dismissed;
            state.overdue = false;
          },
          [&](const RectificationPlanned& e) {
            // A late plan ends a missed plan deadline: its own deadline is the active one.
            if (state.severity == Severity::major && !state.has_plan) state.overdue = false;
            state.phase = HazardPhase::rectifying;
            state.has_plan = true;
            state.rectification_deadline = e.deadline;
          },
          [&](const DeadlineMissed&) {
            state.overdue = true;
            state.ever_overdue = true;
          },
          [&](const DeadlineSet& e) {
            if (e.kind == DeadlineKind::plan) {
              state.plan_deadline = e.deadline;
            } else {
              state.rectification_deadline = e.deadline;
            }
          },
          [&](const DeadlineExtended& e) {
            state.rectification_limit = e.new_deadline;
            state.rectification_deadline = e.new_deadline;
            if (e.new_deadline > event.occurred_at) state.overdue = false;
          },
          [&](const RectificationSubmitted&) {
            state.overdue = false;
            state.phase = HazardPhase::submitted;
            state.submitted_by = event.actor_id;
            state.submitted_at = event.occurred_at;
          },
          [&](const RectificationVerified& e) {
            if (e.passed) {
              state.phase = HazardPhase::verified;
            } else {
              state.phase = state.has_plan ? HazardPhase::rectifying : HazardPhase::classified;
              ++state.reopen_count;
            }
          },
          [&](const HazardClosed&) { state.phase = HazardPhase::closed; },
          [&](const HazardListed& e) {
            state.listed = e.level;
            const auto at_least = e.level == ListingLevel::city ? EscalationLevel::city
                                                                : EscalationLevel::county;
            if (state.escalation < at_least) state.escalation = at_least;
          },
          [&](const HazardDelisted&) { state.listed.reset(); },
          [&](const HazardEscalated& e) { state.escalation = e.to; },
          [&](const ReferredToGovernment&) { state.escalation = EscalationLevel::government; },
          [](const auto&) {},
      },
      event.data);
}

}  // namespace redline
