// StartCampaign, RecordDrill, SubmitLiaisonList, SubmitActivityPlan, SubmitSummary.
#include "engine/domain/handlers.h"
#include "events/time.h"

namespace redline {
namespace {

bool is_photo(MediaFormat format) {
  return format == MediaFormat::jpg || format == MediaFormat::png || format == MediaFormat::psd;
}

// The campaign and the unit a submission is for, and the actor's right to submit it.
Status check_submission(HandlerContext& c, const std::string& campaign_id,
                        const std::string& unit_id) {
  const CampaignState* campaign;
  REDLINE_ASSIGN(campaign, c.cache.campaign(campaign_id));
  if (!campaign->exists) return not_found("campaign " + campaign_id + " has not started");
  const UnitState* unit;
  REDLINE_ASSIGN(unit, registered_unit(c, unit_id));
  if (c.command.actor.role == Role::city_bureau) return Status::Ok();
  return require_bureau_of(c.command.actor, unit->county.value_or(""), "units");
}

}  // namespace

Result<Decision> start_campaign(HandlerContext& c) {
  REDLINE_RETURN_IF_ERROR(require_role(c.command.actor, {Role::city_bureau}, "StartCampaign"));
  CampaignStarted e;
  REDLINE_ASSIGN(e.campaign_id, c.fields.id("campaign_id"));
  REDLINE_ASSIGN(e.title, c.fields.text("title"));
  REDLINE_ASSIGN(e.starts_on, c.fields.day("starts_on"));
  REDLINE_ASSIGN(e.ends_on, c.fields.day("ends_on"));
  REDLINE_ASSIGN(e.liaison_due, c.fields.day("liaison_due"));
  REDLINE_ASSIGN(e.summary_due, c.fields.day("summary_due"));
  if (e.ends_on < e.starts_on) {
    return Status(ErrorCode::invalid_field,
                  "ends_on " + e.ends_on + " is before starts_on " + e.starts_on);
  }
  if (e.liaison_due < e.starts_on) {
    return Status(ErrorCode::invalid_field,
                  "liaison_due " + e.liaison_due + " is before starts_on " + e.starts_on);
  }
  if (e.summary_due < e.starts_on) {
    return Status(ErrorCode::invalid_field,
                  "summary_due " + e.summary_due + " is before starts_on " + e.starts_on);
  }
  const CampaignState* campaign;
  REDLINE_ASSIGN(campaign, c.cache.campaign(e.campaign_id));
  if (campaign->exists) return already_exists("campaign " + e.campaign_id + " already started");
  return Decision{c.event(campaign_stream(e.campaign_id), Event(e))};
}

Result<Decision> record_drill(HandlerContext& c) {
  DrillRecorded e;
  REDLINE_ASSIGN(e.drill_id, c.fields.id("drill_id"));
  REDLINE_ASSIGN(e.institution_id, c.fields.id("institution_id"));
  REDLINE_ASSIGN(e.kind, c.fields.choice<DrillKind>("kind"));
  REDLINE_ASSIGN(e.held_on, c.fields.day("held_on"));
  REDLINE_ASSIGN(e.instructor, c.fields.choice<Instructor>("instructor"));
  REDLINE_ASSIGN(e.participants, c.fields.count("participants", 100'000));
  const InstitutionState* institution;
  REDLINE_ASSIGN(institution, registered_institution(c, e.institution_id));
  REDLINE_RETURN_IF_ERROR(require_institution_access(c.command.actor, e.institution_id,
                                                     institution->county, "drills"));
  return Decision{c.event(institution_stream(e.institution_id), Event(e))};
}

Result<Decision> submit_liaison_list(HandlerContext& c) {
  LiaisonListSubmitted e;
  REDLINE_ASSIGN(e.campaign_id, c.fields.id("campaign_id"));
  REDLINE_ASSIGN(e.unit_id, c.fields.id("unit_id"));
  std::vector<JsonValue> list;
  REDLINE_ASSIGN(list, c.fields.object_list("liaisons", "{name, phone}", /*non_empty=*/true));
  for (std::size_t i = 0; i < list.size(); ++i) {
    FieldReader fields(list[i], "liaisons[" + std::to_string(i) + "].");
    Liaison liaison;
    REDLINE_ASSIGN(liaison.name, fields.text("name"));
    REDLINE_ASSIGN(liaison.phone, fields.text("phone"));
    e.liaisons.push_back(std::move(liaison));
  }
  REDLINE_RETURN_IF_ERROR(check_submission(c, e.campaign_id, e.unit_id));
  return Decision{c.event(campaign_stream(e.campaign_id), Event(e))};
}

Result<Decision> submit_activity_plan(HandlerContext& c) {
  ActivityPlanSubmitted e;
  REDLINE_ASSIGN(e.campaign_id, c.fields.id("campaign_id"));
  REDLINE_ASSIGN(e.unit_id, c.fields.id("unit_id"));
  REDLINE_ASSIGN(e.text, c.fields.text("text"));
  REDLINE_RETURN_IF_ERROR(check_submission(c, e.campaign_id, e.unit_id));
  return Decision{c.event(campaign_stream(e.campaign_id), Event(e))};
}

Result<Decision> submit_summary(HandlerContext& c) {
  SummarySubmitted e;
  REDLINE_ASSIGN(e.campaign_id, c.fields.id("campaign_id"));
  REDLINE_ASSIGN(e.unit_id, c.fields.id("unit_id"));
  REDLINE_ASSIGN(e.text, c.fields.text("text"));
  REDLINE_ASSIGN(e.attachments, c.fields.media("attachments", /*required=*/true));
  const RulesConfig& rules = c.rules;
  for (std::size_t i = 0; i < e.attachments.size(); ++i) {
    const MediaItem& item = e.attachments[i];
    const bool photo = is_photo(item.format);
    const auto min_width = static_cast<std::uint32_t>(photo ? rules.summary_photo_min_width
                                                            : rules.summary_video_min_width);
    const auto min_height = static_cast<std::uint32_t>(photo ? rules.summary_photo_min_height
                                                             : rules.summary_video_min_height);
    if (item.width < min_width || item.height < min_height) {
      return Status(ErrorCode::invalid_media,
                    "attachments[" + std::to_string(i) + "] '" + item.name + "' is " +
                        std::to_string(item.width) + "x" + std::to_string(item.height) + "; a " +
                        (photo ? "photo" : "video") + " must be at least " +
                        std::to_string(min_width) + "x" + std::to_string(min_height));
    }
  }
  REDLINE_RETURN_IF_ERROR(check_submission(c, e.campaign_id, e.unit_id));
  return Decision{c.event(campaign_stream(e.campaign_id), Event(e))};
}

}  // namespace redline
