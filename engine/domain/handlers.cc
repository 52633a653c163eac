#include "engine/domain/handlers.h"

#include <unordered_map>

namespace redline {

Handler find_handler(std::string_view command_type) {
  static const std::unordered_map<std::string_view, Handler> kHandlers = {
      {"RegisterUnit", register_unit},
      {"RegisterInstitution", register_institution},
      {"AppointLiaison", appoint_liaison},
      {"SignResponsibilityLetter", sign_responsibility_letter},
      {"RegisterVolunteer", register_volunteer},
      {"StartCampaign", start_campaign},
      {"RecordDrill", record_drill},
      {"SubmitLiaisonList", submit_liaison_list},
      {"SubmitActivityPlan", submit_activity_plan},
      {"SubmitSummary", submit_summary},
      {"PlanInspection", plan_inspection},
      {"StartInspection", start_inspection},
      {"CompleteInspection", complete_inspection},
      {"ReportHazard", report_hazard},
      {"ClassifyHazard", classify_hazard},
      {"DismissHazard", dismiss_hazard},
      {"PlanRectification", plan_rectification},
      {"RecordProgress", record_progress},
      {"SubmitRectification", submit_rectification},
      {"VerifyRectification", verify_rectification},
      {"CloseHazard", close_hazard},
      {"ExtendDeadline", extend_deadline},
      {"ListHazard", list_hazard},
      {"DelistHazard", delist_hazard},
      {"RequestAssistance", request_assistance},
      {"ReportByPublic", report_by_public},
      {"TriagePublicReport", triage_public_report},
      {"PublishPublicReport", publish_public_report},
  };
  auto found = kHandlers.find(command_type);
  return found == kHandlers.end() ? nullptr : found->second;
}

}  // namespace redline
