// ReportByPublic, TriagePublicReport, PublishPublicReport.
#include "engine/domain/handlers.h"

namespace redline {
namespace {

Result<const ReportState*> named_report(HandlerContext& c, std::string* id) {
  REDLINE_ASSIGN(*id, c.fields.id("report_id"));
  const ReportState* report;
  REDLINE_ASSIGN(report, c.cache.report(*id));
  if (!report->exists) return not_found("public report " + *id + " was never received");
  return report;
}

// The bureaus of the reported institution's county; a report naming no institution is the
// city bureau's.
Status require_report_supervisor(HandlerContext& c, const ReportState& report) {
  REDLINE_RETURN_IF_ERROR(
      require_role(c.command.actor, {Role::county_bureau, Role::city_bureau}, c.command.type));
  if (c.command.actor.role == Role::city_bureau) return Status::Ok();
  if (!report.institution_id) {
    return Status(ErrorCode::forbidden,
                  "a report that names no institution is triaged by the city bureau");
  }
  const InstitutionState* institution;
  REDLINE_ASSIGN(institution, c.cache.institution(*report.institution_id));
  return require_bureau_of(c.command.actor, institution->county, "public reports");
}

}  // namespace

Result<Decision> report_by_public(HandlerContext& c) {
  REDLINE_RETURN_IF_ERROR(require_role(
      c.command.actor, {Role::public_, Role::county_bureau, Role::city_bureau}, "ReportByPublic"));
  PublicReportReceived e;
  REDLINE_ASSIGN(e.report_id, c.fields.id("report_id"));
  REDLINE_ASSIGN(e.channel, c.fields.choice<ReportChannel>("channel"));
  REDLINE_ASSIGN(e.institution_id, c.fields.optional_id("institution_id"));
  REDLINE_ASSIGN(e.description, c.fields.text("description"));
  REDLINE_ASSIGN(e.media, c.fields.media("media", /*required=*/true));
  REDLINE_ASSIGN(e.contact, c.fields.optional_text("contact"));
  REDLINE_ASSIGN(e.volunteer_id, c.fields.optional_id("volunteer_id"));
  if (e.institution_id) {
    REDLINE_RETURN_IF_ERROR(registered_institution(c, *e.institution_id).status());
  }
  if (e.volunteer_id) {
    const VolunteerState* volunteer;
    REDLINE_ASSIGN(volunteer, c.cache.volunteer(*e.volunteer_id));
    if (!volunteer->exists) return not_found("volunteer " + *e.volunteer_id + " is not registered");
  }
  const ReportState* report;
  REDLINE_ASSIGN(report, c.cache.report(e.report_id));
  if (report->exists) return already_exists("public report " + e.report_id + " was already received");
  return Decision{c.event(report_stream(e.report_id), Event(e))};
}

Result<Decision> triage_public_report(HandlerContext& c) {
  std::string id;
  const ReportState* report;
  REDLINE_ASSIGN(report, named_report(c, &id));
  PublicReportTriaged e;
  REDLINE_ASSIGN(e.decision, c.fields.choice<TriageDecision>("decision"));
  REDLINE_ASSIGN(e.reason, c.fields.optional_text("reason"));
  REDLINE_RETURN_IF_ERROR(require_report_supervisor(c, *report));
  if (report->decision) {
    return invalid_transition("public report " + id + " was already triaged (" +
                              std::string(to_string(*report->decision)) + ")");
  }
  Decision decision;
  switch (e.decision) {
    case TriageDecision::accept: {
      // Accepting creates the hazard, with source public_report.
      HazardReported hazard;
      REDLINE_ASSIGN(hazard.hazard_id, c.fields.id("hazard_id"));
      REDLINE_ASSIGN(hazard.category, c.fields.choice<Category>("category"));
      if (!report->institution_id) {
        return Status(ErrorCode::invalid_field,
                      "public report " + id + " names no institution; it cannot become a hazard");
      }
      const InstitutionState* institution;
      REDLINE_ASSIGN(institution, c.cache.institution(*report->institution_id));
      const HazardState* existing;
      REDLINE_ASSIGN(existing, c.cache.hazard(hazard.hazard_id));
      if (existing->exists) {
        return already_exists("hazard " + hazard.hazard_id + " is already reported");
      }
      // The report's own words and media become the hazard's.
      hazard.institution_id = *report->institution_id;
      hazard.county = institution->county;
      hazard.description = report->description;
      hazard.evidence = report->media;
      hazard.source = HazardSource::public_report;
      hazard.report_id = id;
      e.hazard_id = hazard.hazard_id;
      decision.push_back(c.event(report_stream(id), e));
      decision.push_back(c.event(hazard_stream(hazard.hazard_id), Event(hazard)));
      return decision;
    }
    case TriageDecision::duplicate: {
      REDLINE_ASSIGN(e.duplicate_of, c.fields.id("duplicate_of"));
      if (*e.duplicate_of == id) {
        return Status(ErrorCode::invalid_field, "duplicate_of names the report itself");
      }
      const ReportState* original;
      REDLINE_ASSIGN(original, c.cache.report(*e.duplicate_of));
      if (!original->exists) {
        return not_found("public report " + *e.duplicate_of + " was never received");
      }
      break;
    }
    case TriageDecision::reject:
      if (!e.reason) return Status(ErrorCode::missing_field, "reason");
      break;
  }
  decision.push_back(c.event(report_stream(id), std::move(e)));
  return decision;
}

Result<Decision> publish_public_report(HandlerContext& c) {
  std::string id;
  const ReportState* report;
  REDLINE_ASSIGN(report, named_report(c, &id));
  PublicReportPublished e;
  REDLINE_ASSIGN(e.summary, c.fields.text("summary"));
  REDLINE_RETURN_IF_ERROR(require_report_supervisor(c, *report));
  if (!report->decision) {
    return invalid_transition("public report " + id + " is not triaged yet; PublishPublicReport "
                              "needs a triage decision");
  }
  if (report->published) return invalid_transition("public report " + id + " is already published");
  return Decision{c.event(report_stream(id), std::move(e))};
}

}  // namespace redline
