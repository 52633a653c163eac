// Every event type of SPEC §2 as a plain struct: its fields, its cereal serialization and its
// JSON rendering (the `data` of an envelope). Event is the variant of all of them.
// Plain values; thread-compatible.
//
// DESIGN — schema evolution. Every type carries CEREAL_CLASS_VERSION from its first commit;
// cereal stores that number with the type's bytes and passes the stored number back to
// serialize() on load. All types are at schema 1. When a type gains a field, bump its
// version and write its serialize by hand:
//
//   template <class Archive> void serialize(Archive& ar, std::uint32_t const schema) {
//     ar(old_a, old_b);
//     if (schema >= 2) ar(new_field);   // schema-1 bytes leave new_field at its default
//   }
//
// Old events are never rewritten; they are upgraded in memory when read ("upcasting").
// tests/events/upcasting_test.cc proves this on a committed schema-1 fixture.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <cereal/cereal.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "events/enums.h"
#include "events/json_support.h"
#include "events/strong_types.h"

namespace redline {

// ---- values nested in events ----

// A photo or video: `{name, format, width, height}`.
struct MediaItem {
  std::string name;
  MediaFormat format = MediaFormat::jpg;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  REDLINE_FIELDS(MediaItem, name, format, width, height)
};

struct Liaison {
  std::string name;
  std::string phone;
  REDLINE_FIELDS(Liaison, name, phone)
};

struct Funding {
  double amount = 0;
  std::string source;
  REDLINE_FIELDS(Funding, amount, source)
};

// How a PlanInspection drew its institutions: `count` of the `candidates` registered then
// (the county's, or all), with `seed` (engine/domain/draw.h).
struct InstitutionDraw {
  std::uint32_t count = 0;
  std::uint64_t seed = 0;
  std::uint32_t candidates = 0;
  REDLINE_FIELDS(InstitutionDraw, count, seed, candidates)
};

// How a PlanInspection drew its inspectors: `count` of `pool`, with `seed`.
struct InspectorDraw {
  std::vector<std::string> pool;
  std::uint32_t count = 0;
  std::uint64_t seed = 0;
  REDLINE_FIELDS(InspectorDraw, pool, count, seed)
};

// The double-random draw recorded in InspectionPlanned; either half may be absent.
struct DrawRecord {
  std::optional<InstitutionDraw> institutions;
  std::optional<InspectorDraw> inspectors;
  REDLINE_FIELDS(DrawRecord, institutions, inspectors)
};

// ---- organisation ----

struct UnitRegistered {
  static constexpr std::string_view kTypeName = "UnitRegistered";
  std::string unit_id;
  std::string name;
  UnitKind kind = UnitKind::department;
  std::optional<std::string> county;
  REDLINE_FIELDS(UnitRegistered, unit_id, name, kind, county)
};

struct InstitutionRegistered {
  static constexpr std::string_view kTypeName = "InstitutionRegistered";
  std::string institution_id;
  std::string name;
  InstitutionKind kind = InstitutionKind::elderly_care;
  std::string county;
  std::optional<std::uint32_t> capacity;
  REDLINE_FIELDS(InstitutionRegistered, institution_id, name, kind, county, capacity)
};

struct LiaisonAppointed {
  static constexpr std::string_view kTypeName = "LiaisonAppointed";
  std::string unit_id;
  std::string name;
  std::string phone;
  REDLINE_FIELDS(LiaisonAppointed, unit_id, name, phone)
};

struct ResponsibilityLetterSigned {
  static constexpr std::string_view kTypeName = "ResponsibilityLetterSigned";
  std::string letter_id;
  std::string from_unit;
  std::string to_unit;
  std::string scope;
  std::string signed_on;  // YYYY-MM-DD
  REDLINE_FIELDS(ResponsibilityLetterSigned, letter_id, from_unit, to_unit, scope, signed_on)
};

struct VolunteerRegistered {
  static constexpr std::string_view kTypeName = "VolunteerRegistered";
  std::string volunteer_id;
  std::string name;
  VolunteerKind kind = VolunteerKind::volunteer;
  REDLINE_FIELDS(VolunteerRegistered, volunteer_id, name, kind)
};

// ---- campaign ----

struct CampaignStarted {
  static constexpr std::string_view kTypeName = "CampaignStarted";
  std::string campaign_id;
  std::string title;
  std::string starts_on;    // YYYY-MM-DD
  std::string ends_on;      // YYYY-MM-DD
  std::string liaison_due;  // YYYY-MM-DD, due at the end of that day
  std::string summary_due;  // YYYY-MM-DD, due at the end of that day
  REDLINE_FIELDS(CampaignStarted, campaign_id, title, starts_on, ends_on, liaison_due,
                 summary_due)
};

struct DrillRecorded {
  static constexpr std::string_view kTypeName = "DrillRecorded";
  std::string drill_id;
  std::string institution_id;
  DrillKind kind = DrillKind::fire_drill;
  std::string held_on;  // YYYY-MM-DD
  Instructor instructor = Instructor::internal;
  std::uint32_t participants = 0;
  REDLINE_FIELDS(DrillRecorded, drill_id, institution_id, kind, held_on, instructor, participants)
};

struct LiaisonListSubmitted {
  static constexpr std::string_view kTypeName = "LiaisonListSubmitted";
  std::string campaign_id;
  std::string unit_id;
  std::vector<Liaison> liaisons;
  REDLINE_FIELDS(LiaisonListSubmitted, campaign_id, unit_id, liaisons)
};

struct ActivityPlanSubmitted {
  static constexpr std::string_view kTypeName = "ActivityPlanSubmitted";
  std::string campaign_id;
  std::string unit_id;
  std::string text;
  REDLINE_FIELDS(ActivityPlanSubmitted, campaign_id, unit_id, text)
};

struct SummarySubmitted {
  static constexpr std::string_view kTypeName = "SummarySubmitted";
  std::string campaign_id;
  std::string unit_id;
  std::string text;
  std::vector<MediaItem> attachments;
  REDLINE_FIELDS(SummarySubmitted, campaign_id, unit_id, text, attachments)
};

// ---- inspection ----

struct InspectionPlanned {
  static constexpr std::string_view kTypeName = "InspectionPlanned";
  std::string inspection_id;
  InspectionMode mode = InspectionMode::spot_check;
  std::optional<std::string> county;
  std::vector<std::string> agencies;
  std::vector<std::string> institutions;
  std::vector<std::string> inspectors;
  std::optional<DrawRecord> draw;
  REDLINE_FIELDS(InspectionPlanned, inspection_id, mode, county, agencies, institutions,
                 inspectors, draw)
};

struct InspectionStarted {
  static constexpr std::string_view kTypeName = "InspectionStarted";
  std::string inspection_id;
  REDLINE_FIELDS(InspectionStarted, inspection_id)
};

struct InspectionCompleted {
  static constexpr std::string_view kTypeName = "InspectionCompleted";
  std::string inspection_id;
  std::string summary;
  REDLINE_FIELDS(InspectionCompleted, inspection_id, summary)
};

// ---- hazard ----

struct HazardReported {
  static constexpr std::string_view kTypeName = "HazardReported";
  std::string hazard_id;
  std::string institution_id;
  std::string county;
  Category category = Category::other;
  std::string description;
  HazardSource source = HazardSource::self_inspection;
  std::optional<std::string> inspection_id;
  std::optional<std::string> report_id;
  std::vector<MediaItem> evidence;
  std::optional<std::string> recurrence_of;
  REDLINE_FIELDS(HazardReported, hazard_id, institution_id, county, category, description,
                 source, inspection_id, report_id, evidence, recurrence_of)
};

struct HazardClassified {
  static constexpr std::string_view kTypeName = "HazardClassified";
  Severity severity = Severity::general;
  bool systemic = false;
  REDLINE_FIELDS(HazardClassified, severity, systemic)
};

struct HazardDismissed {
  static constexpr std::string_view kTypeName = "HazardDismissed";
  std::string reason;
  REDLINE_FIELDS(HazardDismissed, reason)
};

struct RectificationPlanned {
  static constexpr std::string_view kTypeName = "RectificationPlanned";
  std::string responsible;
  std::string plan;
  std::optional<Funding> funding;
  std::string interim_measures;
  Timestamp deadline;
  REDLINE_FIELDS(RectificationPlanned, responsible, plan, funding, interim_measures, deadline)
};

struct DeadlineSet {
  static constexpr std::string_view kTypeName = "DeadlineSet";
  DeadlineKind kind = DeadlineKind::rectification;
  Timestamp deadline;
  REDLINE_FIELDS(DeadlineSet, kind, deadline)
};

struct DeadlineExtended {
  static constexpr std::string_view kTypeName = "DeadlineExtended";
  Timestamp new_deadline;
  std::string reason;
  REDLINE_FIELDS(DeadlineExtended, new_deadline, reason)
};

struct RectificationProgressed {
  static constexpr std::string_view kTypeName = "RectificationProgressed";
  std::string note;
  REDLINE_FIELDS(RectificationProgressed, note)
};

struct RectificationSubmitted {
  static constexpr std::string_view kTypeName = "RectificationSubmitted";
  std::vector<MediaItem> evidence;
  REDLINE_FIELDS(RectificationSubmitted, evidence)
};

struct RectificationVerified {
  static constexpr std::string_view kTypeName = "RectificationVerified";
  bool passed = false;
  std::string note;
  REDLINE_FIELDS(RectificationVerified, passed, note)
};

struct HazardClosed {
  static constexpr std::string_view kTypeName = "HazardClosed";
  REDLINE_NO_FIELDS(HazardClosed)
};

struct AssistanceRequested {
  static constexpr std::string_view kTypeName = "AssistanceRequested";
  std::string reason;
  REDLINE_FIELDS(AssistanceRequested, reason)
};

// ---- supervision (mostly produced by rules) ----

struct HazardListed {
  static constexpr std::string_view kTypeName = "HazardListed";
  ListingLevel level = ListingLevel::county;
  std::string authority;  // e.g. "city_bureau", or the listing unit's id
  std::string reason;     // "major_hazard", "escalation", or the bureau's words
  REDLINE_FIELDS(HazardListed, level, authority, reason)
};

struct HazardDelisted {
  static constexpr std::string_view kTypeName = "HazardDelisted";
  REDLINE_NO_FIELDS(HazardDelisted)
};

struct DeadlineMissed {
  static constexpr std::string_view kTypeName = "DeadlineMissed";
  DeadlineKind kind = DeadlineKind::rectification;
  Timestamp deadline;
  REDLINE_FIELDS(DeadlineMissed, kind, deadline)
};

struct HazardEscalated {
  static constexpr std::string_view kTypeName = "HazardEscalated";
  EscalationLevel from = EscalationLevel::institution;
  EscalationLevel to = EscalationLevel::county;
  std::string reason;
  REDLINE_FIELDS(HazardEscalated, from, to, reason)
};

struct AccountabilityRaised {
  static constexpr std::string_view kTypeName = "AccountabilityRaised";
  std::string institution_id;
  std::string county;
  std::string reason;
  REDLINE_FIELDS(AccountabilityRaised, institution_id, county, reason)
};

struct ReferredToGovernment {
  static constexpr std::string_view kTypeName = "ReferredToGovernment";
  std::string reason;
  REDLINE_FIELDS(ReferredToGovernment, reason)
};

struct VerificationOverdue {
  static constexpr std::string_view kTypeName = "VerificationOverdue";
  Timestamp submitted_at;
  REDLINE_FIELDS(VerificationOverdue, submitted_at)
};

struct SystemicHazardIdentified {
  static constexpr std::string_view kTypeName = "SystemicHazardIdentified";
  std::string county;
  Category category = Category::other;
  std::vector<std::string> institutions;
  std::vector<std::string> hazards;
  REDLINE_FIELDS(SystemicHazardIdentified, county, category, institutions, hazards)
};

struct ObligationMissed {
  static constexpr std::string_view kTypeName = "ObligationMissed";
  std::string campaign_id;
  ObligationKind kind = ObligationKind::liaison_list;
  std::optional<std::string> unit_id;
  std::optional<std::string> institution_id;
  REDLINE_FIELDS(ObligationMissed, campaign_id, kind, unit_id, institution_id)
};

// ---- public reports ----

struct PublicReportReceived {
  static constexpr std::string_view kTypeName = "PublicReportReceived";
  std::string report_id;
  ReportChannel channel = ReportChannel::web;
  std::optional<std::string> institution_id;
  std::string description;
  std::vector<MediaItem> media;
  std::optional<std::string> contact;  // personal data: shown only to bureaus and the operator
  std::optional<std::string> volunteer_id;
  REDLINE_FIELDS(PublicReportReceived, report_id, channel, institution_id, description, media,
                 contact, volunteer_id)
};

struct PublicReportTriaged {
  static constexpr std::string_view kTypeName = "PublicReportTriaged";
  TriageDecision decision = TriageDecision::accept;
  std::optional<std::string> hazard_id;
  std::optional<std::string> duplicate_of;
  std::optional<std::string> reason;
  REDLINE_FIELDS(PublicReportTriaged, decision, hazard_id, duplicate_of, reason)
};

struct PublicReportPublished {
  static constexpr std::string_view kTypeName = "PublicReportPublished";
  std::string summary;
  REDLINE_FIELDS(PublicReportPublished, summary)
};

// Every event type. Append new types at the end; the stored form names the type by its
// string, so the order here is not part of the byte format.
using Event = std::variant<
    UnitRegistered, InstitutionRegistered, LiaisonAppointed, ResponsibilityLetterSigned,
    VolunteerRegistered, CampaignStarted, DrillRecorded, LiaisonListSubmitted,
    ActivityPlanSubmitted, SummarySubmitted, InspectionPlanned, InspectionStarted,
    InspectionCompleted, HazardReported, HazardClassified, HazardDismissed, RectificationPlanned,
    DeadlineSet, DeadlineExtended, RectificationProgressed, RectificationSubmitted,
    RectificationVerified, HazardClosed, AssistanceRequested, HazardListed, HazardDelisted,
    DeadlineMissed, HazardEscalated, AccountabilityRaised, ReferredToGovernment,
    VerificationOverdue, SystemicHazardIdentified, ObligationMissed, PublicReportReceived,
    PublicReportTriaged, PublicReportPublished>;

// The spec name of the event's type ("HazardReported").
std::string_view event_type_name(const Event& event);

// The schema version new events of this type are written with (its CEREAL_CLASS_VERSION).
std::uint32_t current_schema(const Event& event);

// The variant index of the named type; nullopt for names that are not event types.
std::optional<std::size_t> event_type_index(std::string_view type_name);

// Replaces `event` with a default-constructed value of the type at `index`.
void emplace_default_event(Event& event, std::size_t index);

// True for the alert types of SPEC §2.
bool is_alert_type(std::string_view type_name);

}  // namespace redline

CEREAL_CLASS_VERSION(redline::MediaItem, 1)
CEREAL_CLASS_VERSION(redline::Liaison, 1)
CEREAL_CLASS_VERSION(redline::Funding, 1)
CEREAL_CLASS_VERSION(redline::InstitutionDraw, 1)
CEREAL_CLASS_VERSION(redline::InspectorDraw, 1)
CEREAL_CLASS_VERSION(redline::DrawRecord, 1)
CEREAL_CLASS_VERSION(redline::UnitRegistered, 1)
CEREAL_CLASS_VERSION(redline::InstitutionRegistered, 1)
CEREAL_CLASS_VERSION(redline::LiaisonAppointed, 1)
CEREAL_CLASS_VERSION(redline::ResponsibilityLetterSigned, 1)
CEREAL_CLASS_VERSION(redline::VolunteerRegistered, 1)
CEREAL_CLASS_VERSION(redline::CampaignStarted, 1)
CEREAL_CLASS_VERSION(redline::DrillRecorded, 1)
CEREAL_CLASS_VERSION(redline::LiaisonListSubmitted, 1)
CEREAL_CLASS_VERSION(redline::ActivityPlanSubmitted, 1)
CEREAL_CLASS_VERSION(redline::SummarySubmitted, 1)
CEREAL_CLASS_VERSION(redline::InspectionPlanned, 1)
CEREAL_CLASS_VERSION(redline::InspectionStarted, 1)
CEREAL_CLASS_VERSION(redline::InspectionCompleted, 1)
CEREAL_CLASS_VERSION(redline::HazardReported, 1)
CEREAL_CLASS_VERSION(redline::HazardClassified, 1)
CEREAL_CLASS_VERSION(redline::HazardDismissed, 1)
CEREAL_CLASS_VERSION(redline::RectificationPlanned, 1)
CEREAL_CLASS_VERSION(redline::DeadlineSet, 1)
CEREAL_CLASS_VERSION(redline::DeadlineExtended, 1)
CEREAL_CLASS_VERSION(redline::RectificationProgressed, 1)
CEREAL_CLASS_VERSION(redline::RectificationSubmitted, 1)
CEREAL_CLASS_VERSION(redline::RectificationVerified, 1)
CEREAL_CLASS_VERSION(redline::HazardClosed, 1)
CEREAL_CLASS_VERSION(redline::AssistanceRequested, 1)
CEREAL_CLASS_VERSION(redline::HazardListed, 1)
CEREAL_CLASS_VERSION(redline::HazardDelisted, 1)
CEREAL_CLASS_VERSION(redline::DeadlineMissed, 1)
CEREAL_CLASS_VERSION(redline::HazardEscalated, 1)
CEREAL_CLASS_VERSION(redline::AccountabilityRaised, 1)
CEREAL_CLASS_VERSION(redline::ReferredToGovernment, 1)
CEREAL_CLASS_VERSION(redline::VerificationOverdue, 1)
CEREAL_CLASS_VERSION(redline::SystemicHazardIdentified, 1)
CEREAL_CLASS_VERSION(redline::ObligationMissed, 1)
CEREAL_CLASS_VERSION(redline::PublicReportReceived, 1)
CEREAL_CLASS_VERSION(redline::PublicReportTriaged, 1)
CEREAL_CLASS_VERSION(redline::PublicReportPublished, 1)
