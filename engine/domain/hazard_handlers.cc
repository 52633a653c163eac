// The hazard lifecycle of SPEC §3: ReportHazard through CloseHazard, deadlines, listing,
// assistance.
#include <algorithm>

#include "engine/domain/handlers.h"
#include "events/time.h"

namespace redline {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The hazard a command names; not_found when it was never reported.
Result<const HazardState*> named_hazard(HandlerContext& c, std::string* id) {
  REDLINE_ASSIGN(*id, c.fields.id("hazard_id"));
  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, c.cache.hazard(*id));
  if (!hazard->exists) return not_found("hazard " + *id + " was never reported");
  return hazard;
}

Status require_phase(const std::string& id, const HazardState& hazard, std::string_view command,
                     std::initializer_list<HazardPhase> phases) {
  for (HazardPhase phase : phases) {
    if (hazard.phase == phase) return Status::Ok();
  }
  std::string needs;
  for (HazardPhase phase : phases) {
    if (!needs.empty()) needs += " or ";
    needs += to_string(phase);
  }
  return invalid_transition("hazard " + id + " is " + std::string(to_string(hazard.phase)) + "; " +
                            std::string(command) + " needs " + needs);
}

// Who may work on a hazard's rectification: its institution's staff and its bureaus.
Status require_rectifier(HandlerContext& c, const HazardState& hazard) {
  REDLINE_RETURN_IF_ERROR(require_role(
      c.command.actor, {Role::institution_staff, Role::county_bureau, Role::city_bureau},
      c.command.type));
  return require_institution_access(c.command.actor, hazard.institution_id, hazard.county,
                                    "hazards");
}

// Who supervises a hazard: its county's bureau and the city bureau.
Status require_supervisor(HandlerContext& c, const HazardState& hazard) {
  REDLINE_RETURN_IF_ERROR(
      require_role(c.command.actor, {Role::county_bureau, Role::city_bureau}, c.command.type));
  return require_bureau_of(c.command.actor, hazard.county, "hazards");
}

// Inspectors classify and verify; so do the hazard's bureaus.
Status require_assessor(HandlerContext& c, const HazardState& hazard) {
  REDLINE_RETURN_IF_ERROR(require_role(
      c.command.actor, {Role::inspector, Role::county_bureau, Role::city_bureau}, c.command.type));
  if (c.command.actor.role == Role::inspector) return Status::Ok();
  return require_bureau_of(c.command.actor, hazard.county, "hazards");
}

std::string format_limit(const HazardState& hazard) {
  return hazard.rectification_limit ? format_instant(*hazard.rectification_limit) : "unset";
}

}  // namespace

Result<Decision> report_hazard(HandlerContext& c) {
  HazardReported e;
  REDLINE_ASSIGN(e.hazard_id, c.fields.id("hazard_id"));
  REDLINE_ASSIGN(e.institution_id, c.fields.id("institution_id"));
  REDLINE_ASSIGN(e.category, c.fields.choice<Category>("category"));
  REDLINE_ASSIGN(e.description, c.fields.text("description"));
  REDLINE_ASSIGN(e.source, c.fields.choice<HazardSource>("source"));
  REDLINE_ASSIGN(e.inspection_id, c.fields.optional_id("inspection_id"));
  REDLINE_ASSIGN(e.report_id, c.fields.optional_id("report_id"));
  REDLINE_ASSIGN(e.evidence, c.fields.media("evidence", /*required=*/false));
  REDLINE_ASSIGN(e.recurrence_of, c.fields.optional_id("recurrence_of"));
  const CommandActor& actor = c.command.actor;
  REDLINE_RETURN_IF_ERROR(require_role(
      actor, {Role::institution_staff, Role::inspector, Role::county_bureau, Role::city_bureau},
      "ReportHazard"));

  const InstitutionState* institution;
  REDLINE_ASSIGN(institution, registered_institution(c, e.institution_id));
  e.county = institution->county;
  const InspectionState* inspection = nullptr;
  if (e.inspection_id) {
    REDLINE_ASSIGN(inspection, c.cache.inspection(*e.inspection_id));
    if (!inspection->exists) return not_found("inspection " + *e.inspection_id + " is not planned");
  }
  if (e.report_id) {
    const ReportState* report;
    REDLINE_ASSIGN(report, c.cache.report(*e.report_id));
    if (!report->exists) return not_found("public report " + *e.report_id + " was never received");
  }
  if (e.recurrence_of) {
    const HazardState* earlier;
    REDLINE_ASSIGN(earlier, c.cache.hazard(*e.recurrence_of));
    if (!earlier->exists) return not_found("hazard " + *e.recurrence_of + " was never reported");
  }

  switch (actor.role) {
    case Role::institution_staff:
      REDLINE_RETURN_IF_ERROR(
          require_institution_access(actor, e.institution_id, e.county, "hazards"));
      if (e.source != HazardSource::self_inspection) {
        return Status(ErrorCode::forbidden,
                      "institution staff report hazards with source self_inspection, not " +
                          std::string(to_string(e.source)));
      }
      break;
    case Role::inspector:
      if (inspection == nullptr) {
        return Status(ErrorCode::forbidden,
                      "an inspector reports hazards within an inspection: inspection_id is needed");
      }
      if (!contains(inspection->inspectors, actor.id)) {
        return Status(ErrorCode::forbidden, "inspector " + actor.id + " is not on inspection " +
                                                *e.inspection_id);
      }
      if (!contains(inspection->institutions, e.institution_id)) {
        return Status(ErrorCode::forbidden, "institution " + e.institution_id +
                                                " is not inspected by " + *e.inspection_id);
      }
      break;
    default:
      REDLINE_RETURN_IF_ERROR(require_bureau_of(actor, e.county, "hazards"));
  }

  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, c.cache.hazard(e.hazard_id));
  if (hazard->exists) return already_exists("hazard " + e.hazard_id + " is already reported");
  return Decision{c.event(hazard_stream(e.hazard_id), Event(e))};
}

Result<Decision> classify_hazard(HandlerContext& c) {
  std::string id;
  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, named_hazard(c, &id));
  HazardClassified e;
  REDLINE_ASSIGN(e.severity, c.fields.choice<Severity>("severity"));
  std::optional<bool> systemic;
  REDLINE_ASSIGN(systemic, c.fields.optional_boolean("systemic"));
  e.systemic = systemic.value_or(false);
  REDLINE_RETURN_IF_ERROR(require_assessor(c, *hazard));
  REDLINE_RETURN_IF_ERROR(require_phase(id, *hazard, "ClassifyHazard", {HazardPhase::reported}));
  return Decision{c.event(hazard_stream(id), std::move(e))};
}

Result<Decision> dismiss_hazard(HandlerContext& c) {
  std::string id;
  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, named_hazard(c, &id));
  HazardDismissed e;
  REDLINE_ASSIGN(e.reason, c.fields.text("reason"));
  REDLINE_RETURN_IF_ERROR(require_supervisor(c, *hazard));
  REDLINE_RETURN_IF_ERROR(require_phase(id, *hazard, "DismissHazard",
                                        {HazardPhase::reported, HazardPhase::classified}));
  return Decision{c.event(hazard_stream(id), std::move(e))};
}

Result<Decision> plan_rectification(HandlerContext& c) {
  std::string id;
  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, named_hazard(c, &id));
  REDLINE_RETURN_IF_ERROR(require_rectifier(c, *hazard));
  REDLINE_RETURN_IF_ERROR(require_phase(id, *hazard, "PlanRectification",
                                        {HazardPhase::classified, HazardPhase::rectifying}));
  RectificationPlanned e;
  REDLINE_ASSIGN(e.responsible, c.fields.text("responsible"));
  REDLINE_ASSIGN(e.deadline, c.fields.instant("deadline"));
  const bool major = hazard->severity == Severity::major;
  if (major) {
    // A major hazard's plan carries all four elements (SPEC §1).
    REDLINE_ASSIGN(e.plan, c.fields.text("plan"));
    REDLINE_ASSIGN(e.interim_measures, c.fields.text("interim_measures"));
    std::optional<JsonValue> funding;
    REDLINE_ASSIGN(funding, c.fields.object("funding", /*required=*/true));
    FieldReader funding_fields(*funding, "funding.");
    Funding f;
    REDLINE_ASSIGN(f.amount, funding_fields.amount("amount"));
    REDLINE_ASSIGN(f.source, funding_fields.text("source"));
    e.funding = std::move(f);
  } else {
    std::optional<std::string> plan;
    REDLINE_ASSIGN(plan, c.fields.optional_text("plan"));
    e.plan = plan.value_or("");
    std::optional<std::string> measures;
    REDLINE_ASSIGN(measures, c.fields.optional_text("interim_measures"));
    e.interim_measures = measures.value_or("");
    std::optional<JsonValue> funding;
    REDLINE_ASSIGN(funding, c.fields.object("funding", /*required=*/false));
    if (funding) {
      FieldReader funding_fields(*funding, "funding.");
      Funding f;
      REDLINE_ASSIGN(f.amount, funding_fields.amount("amount"));
      REDLINE_ASSIGN(f.source, funding_fields.text("source"));
      e.funding = std::move(f);
    }
  }
  if (e.deadline <= c.command.at) {
    return Status(ErrorCode::invalid_field, "deadline " + format_instant(e.deadline) +
                                                " is not after the command's time " +
                                                format_instant(c.command.at));
  }
  if (hazard->rectification_limit && e.deadline > *hazard->rectification_limit) {
    return Status(ErrorCode::invalid_field,
                  "deadline " + format_instant(e.deadline) + " is later than hazard " + id +
                      "'s rectification limit " + format_limit(*hazard) +
                      "; a later deadline needs ExtendDeadline");
  }
  return Decision{c.event(hazard_stream(id), std::move(e))};
}

Result<Decision> record_progress(HandlerContext& c) {
  std::string id;
  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, named_hazard(c, &id));
  RectificationProgressed e;
  REDLINE_ASSIGN(e.note, c.fields.text("note"));
  REDLINE_RETURN_IF_ERROR(require_rectifier(c, *hazard));
  REDLINE_RETURN_IF_ERROR(require_phase(id, *hazard, "RecordProgress",
                                        {HazardPhase::classified, HazardPhase::rectifying}));
  return Decision{c.event(hazard_stream(id), std::move(e))};
}

Result<Decision> submit_rectification(HandlerContext& c) {
  std::string id;
  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, named_hazard(c, &id));
  RectificationSubmitted e;
  REDLINE_ASSIGN(e.evidence, c.fields.media("evidence", /*required=*/true));
  REDLINE_RETURN_IF_ERROR(require_rectifier(c, *hazard));
  REDLINE_RETURN_IF_ERROR(require_phase(id, *hazard, "SubmitRectification",
                                        {HazardPhase::classified, HazardPhase::rectifying}));
  if (hazard->phase == HazardPhase::classified && hazard->severity == Severity::major) {
    return invalid_transition("hazard " + id +
                              " is major and has no rectification plan; SubmitRectification "
                              "without a plan is for general hazards");
  }
  return Decision{c.event(hazard_stream(id), std::move(e))};
}

Result<Decision> verify_rectification(HandlerContext& c) {
  std::string id;
  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, named_hazard(c, &id));
  RectificationVerified e;
  REDLINE_ASSIGN(e.passed, c.fields.boolean("passed"));
  REDLINE_ASSIGN(e.note, c.fields.text("note"));
  REDLINE_RETURN_IF_ERROR(require_assessor(c, *hazard));
  REDLINE_RETURN_IF_ERROR(
      require_phase(id, *hazard, "VerifyRectification", {HazardPhase::submitted}));
  if (hazard->submitted_by && *hazard->submitted_by == c.command.actor.id) {
    return Status(ErrorCode::forbidden, c.command.actor.id + " submitted the rectification of " +
                                            id + " and may not verify it");
  }
  return Decision{c.event(hazard_stream(id), std::move(e))};
}

Result<Decision> close_hazard(HandlerContext& c) {
  std::string id;
  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, named_hazard(c, &id));
  REDLINE_RETURN_IF_ERROR(require_supervisor(c, *hazard));
  REDLINE_RETURN_IF_ERROR(require_phase(id, *hazard, "CloseHazard", {HazardPhase::verified}));
  if (hazard->listed) {
    return invalid_transition("hazard " + id + " is listed for supervision at " +
                              std::string(to_string(*hazard->listed)) +
                              " level; DelistHazard comes before CloseHazard");
  }
  return Decision{c.event(hazard_stream(id), HazardClosed{})};
}

Result<Decision> extend_deadline(HandlerContext& c) {
  std::string id;
  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, named_hazard(c, &id));
  DeadlineExtended e;
  REDLINE_ASSIGN(e.new_deadline, c.fields.instant("new_deadline"));
  REDLINE_ASSIGN(e.reason, c.fields.text("reason"));
  REDLINE_RETURN_IF_ERROR(require_supervisor(c, *hazard));
  REDLINE_RETURN_IF_ERROR(require_phase(id, *hazard, "ExtendDeadline",
                                        {HazardPhase::classified, HazardPhase::rectifying}));
  if (e.new_deadline <= c.command.at) {
    return Status(ErrorCode::invalid_field, "new_deadline " + format_instant(e.new_deadline) +
                                                " is not after the command's time " +
                                                format_instant(c.command.at));
  }
  // Extends whichever deadline is active (the plan deadline while a major hazard has no
  // plan); it must move it later.
  if (auto active = hazard->active_deadline(); active && e.new_deadline <= *active) {
    return Status(ErrorCode::invalid_field,
                  "new_deadline " + format_instant(e.new_deadline) + " does not extend the " +
                      std::string(to_string(hazard->active_deadline_kind())) + " deadline " +
                      format_instant(*active));
  }
  return Decision{c.event(hazard_stream(id), std::move(e))};
}

Result<Decision> list_hazard(HandlerContext& c) {
  std::string id;
  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, named_hazard(c, &id));
  HazardListed e;
  REDLINE_ASSIGN(e.level, c.fields.choice<ListingLevel>("level"));
  std::optional<std::string> reason;
  REDLINE_ASSIGN(reason, c.fields.optional_text("reason"));
  e.reason = reason.value_or("listed by " + c.command.actor.id);
  e.authority = std::string(to_string(c.command.actor.role));
  REDLINE_RETURN_IF_ERROR(require_supervisor(c, *hazard));
  if (c.command.actor.role == Role::county_bureau && e.level != ListingLevel::county) {
    return Status(ErrorCode::forbidden, "a county bureau lists at county level only");
  }
  if (hazard->phase == HazardPhase::closed || hazard->phase == HazardPhase::dismissed) {
    return invalid_transition("hazard " + id + " is " + std::string(to_string(hazard->phase)) +
                              "; ListHazard needs an open hazard");
  }
  if (hazard->listed && *hazard->listed >= e.level) {
    return invalid_transition("hazard " + id + " is already listed at " +
                              std::string(to_string(*hazard->listed)) + " level");
  }
  return Decision{c.event(hazard_stream(id), std::move(e))};
}

Result<Decision> delist_hazard(HandlerContext& c) {
  std::string id;
  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, named_hazard(c, &id));
  ListingLevel level;
  REDLINE_ASSIGN(level, c.fields.choice<ListingLevel>("level"));
  REDLINE_RETURN_IF_ERROR(require_supervisor(c, *hazard));
  if (c.command.actor.role == Role::county_bureau && level != ListingLevel::county) {
    return Status(ErrorCode::forbidden, "a county bureau delists at county level only");
  }
  REDLINE_RETURN_IF_ERROR(require_phase(id, *hazard, "DelistHazard", {HazardPhase::verified}));
  if (!hazard->listed) return invalid_transition("hazard " + id + " is not listed");
  if (*hazard->listed != level) {
    return invalid_transition("hazard " + id + " is listed at " +
                              std::string(to_string(*hazard->listed)) + " level, not " +
                              std::string(to_string(level)));
  }
  return Decision{c.event(hazard_stream(id), HazardDelisted{})};
}

Result<Decision> request_assistance(HandlerContext& c) {
  std::string id;
  const HazardState* hazard;
  REDLINE_ASSIGN(hazard, named_hazard(c, &id));
  AssistanceRequested e;
  REDLINE_ASSIGN(e.reason, c.fields.text("reason"));
  REDLINE_RETURN_IF_ERROR(require_rectifier(c, *hazard));
  if (hazard->severity != Severity::major) {
    return invalid_transition("hazard " + id + " is not major; RequestAssistance is for major hazards");
  }
  REDLINE_RETURN_IF_ERROR(require_phase(
      id, *hazard, "RequestAssistance",
      {HazardPhase::classified, HazardPhase::rectifying, HazardPhase::submitted}));
  return Decision{c.event(hazard_stream(id), std::move(e))};
}

}  // namespace redline
