// Roles of SPEC §3, each allowed and refused, and the referential checks.
#include <gtest/gtest.h>

#include "tests/support/domain_harness.h"

namespace redline {
namespace {

using testing::city;
using testing::command;
using testing::county;
using testing::inspector_actor;
using testing::json;
using testing::staff;

json report(const std::string& hazard, const std::string& institution, const std::string& source,
            std::optional<std::string> inspection = std::nullopt) {
  json fields = {{"hazard_id", hazard}, {"institution_id", institution}, {"category", "building"},
                 {"description", "墙体开裂"}, {"source", source}};
  if (inspection) fields["inspection_id"] = *inspection;
  return fields;
}

class Roles : public ::testing::Test {
 protected:
  void SetUp() override {
    h.city_with_institutions();
    h.ok(command("PlanInspection", county(),
                 {{"inspection_id", "INS-1"}, {"mode", "spot_check"}, {"county", "LT"},
                  {"agencies", {"消防大队"}}, {"institutions", {"I-1"}}, {"inspectors", {"insp-7"}}}));
  }
  testing::DomainHarness h;
};

TEST_F(Roles, InstitutionStaffOnlyForTheirOwnInstitutionAndSelfInspection) {
  h.ok(command("ReportHazard", staff("I-1"), report("H-1", "I-1", "self_inspection")));
  h.rejected(command("ReportHazard", staff("I-1"), report("H-2", "I-2", "self_inspection")), "forbidden");
  h.rejected(command("ReportHazard", staff("I-1"), report("H-3", "I-1", "spot_check")), "forbidden");
  h.rejected(command("ClassifyHazard", staff("I-1"), {{"hazard_id", "H-1"}, {"severity", "general"}}),
             "forbidden");
  h.ok(command("ClassifyHazard", inspector_actor(), {{"hazard_id", "H-1"}, {"severity", "general"}}));
  h.rejected(command("RecordProgress", staff("I-2", "staff-2"), {{"hazard_id", "H-1"}, {"note", "n"}}),
             "forbidden");
  h.ok(command("RecordProgress", staff("I-1"), {{"hazard_id", "H-1"}, {"note", "n"}}));
  h.rejected(command("RecordDrill", staff("I-2", "staff-2"),
                     {{"drill_id", "D-1"}, {"institution_id", "I-1"}, {"kind", "fire_drill"},
                      {"held_on", "2026-06-10"}, {"instructor", "firefighter"}, {"participants", 40}}),
             "forbidden");
  h.ok(command("RecordDrill", staff("I-1"),
               {{"drill_id", "D-1"}, {"institution_id", "I-1"}, {"kind", "fire_drill"},
                {"held_on", "2026-06-10"}, {"instructor", "firefighter"}, {"participants", 40}}));
}

TEST_F(Roles, InspectorsReportOnlyWithinTheirInspections) {
  h.ok(command("ReportHazard", inspector_actor(), report("H-1", "I-1", "spot_check", "INS-1")));
  h.rejected(command("ReportHazard", inspector_actor(), report("H-2", "I-1", "spot_check")), "forbidden");
  h.rejected(command("ReportHazard", inspector_actor("insp-8"), report("H-3", "I-1", "spot_check", "INS-1")),
             "forbidden");
  h.rejected(command("ReportHazard", inspector_actor(), report("H-4", "I-2", "spot_check", "INS-1")),
             "forbidden");
  h.rejected(command("CloseHazard", inspector_actor(), {{"hazard_id", "H-1"}}), "forbidden");
}

TEST_F(Roles, CountyBureausOnlyInsideTheirCounty) {
  h.ok(command("ReportHazard", county(), report("H-1", "I-1", "joint_inspection")));
  json r = h.rejected(command("ReportHazard", county(), report("H-9", "I-9", "joint_inspection")), "forbidden");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("county XF"), std::string::npos) << r.dump();
  h.rejected(command("RegisterInstitution", county(),
                     {{"institution_id", "I-5"}, {"name", "n"}, {"kind", "cemetery"}, {"county", "XF"}}),
             "forbidden");
  h.ok(command("RegisterInstitution", county(),
               {{"institution_id", "I-5"}, {"name", "公墓"}, {"kind", "cemetery"}, {"county", "LT"}}));
  h.rejected(command("RegisterUnit", county(),
                     {{"unit_id", "U-2"}, {"name", "n"}, {"kind", "department"}}),
             "forbidden");
  h.rejected(command("StartCampaign", county(),
                     {{"campaign_id", "C-1"}, {"title", "t"}, {"starts_on", "2026-06-01"},
                      {"ends_on", "2026-06-30"}, {"liaison_due", "2026-06-05"}, {"summary_due", "2026-07-05"}}),
             "forbidden");
  h.rejected(command("PlanInspection", county(),
                     {{"inspection_id", "INS-2"}, {"mode", "joint"}, {"county", "XF"}, {"agencies", json::array()},
                      {"institutions", {"I-9"}}, {"inspectors", {"insp-7"}}}),
             "forbidden");
}

TEST_F(Roles, CityBureauMayDoEverythingAnywhere) {
  h.ok(command("ReportHazard", city(), report("H-9", "I-9", "unannounced_inspection")));
  h.ok(command("RegisterVolunteer", city(), {{"volunteer_id", "V-1"}, {"name", "李娜"}, {"kind", "journalist"}}));
  h.ok(command("StartCampaign", city(),
               {{"campaign_id", "C-1"}, {"title", "安全管理月"}, {"starts_on", "2026-06-01"},
                {"ends_on", "2026-06-30"}, {"liaison_due", "2026-06-05"}, {"summary_due", "2026-07-05"}}));
}

TEST_F(Roles, ReferencesMustExist) {
  struct Case {
    json command;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {command("ReportHazard", city(), report("H-1", "I-404", "spot_check")), "institution I-404"},
           {command("ReportHazard", city(), report("H-1", "I-1", "spot_check", "INS-404")), "inspection INS-404"},
           {command("ClassifyHazard", city(), {{"hazard_id", "H-404"}, {"severity", "general"}}), "hazard H-404"},
           {command("AppointLiaison", city(), {{"unit_id", "U-404"}, {"name", "n"}, {"phone", "1"}}), "unit U-404"},
           {command("SubmitActivityPlan", city(), {{"campaign_id", "C-404"}, {"unit_id", "U-LT"}, {"text", "t"}}),
            "campaign C-404"},
           {command("StartInspection", city(), {{"inspection_id", "INS-404"}}), "inspection INS-404"},
           {command("TriagePublicReport", city(), {{"report_id", "R-404"}, {"decision", "reject"}, {"reason", "r"}}),
            "public report R-404"},
       }) {
    json r = h.rejected(c.command, "not_found");
    EXPECT_NE(r["error"]["message"].get<std::string>().find(c.message), std::string::npos) << r.dump();
  }
  h.rejected(command("RegisterInstitution", city(),
                     {{"institution_id", "I-1"}, {"name", "n"}, {"kind", "cemetery"}, {"county", "LT"}}),
             "already_exists");
}

TEST_F(Roles, SummaryMediaRules) {
  h.ok(command("StartCampaign", city(),
               {{"campaign_id", "C-1"}, {"title", "安全管理月"}, {"starts_on", "2026-06-01"},
                {"ends_on", "2026-06-30"}, {"liaison_due", "2026-06-05"}, {"summary_due", "2026-07-05"}}));
  auto summary = [](json attachments) {
    return command("SubmitSummary", county(),
                   {{"campaign_id", "C-1"}, {"unit_id", "U-LT"}, {"text", "总结"}, {"attachments", attachments}});
  };
  json r = h.rejected(summary({{{"name", "a.jpg"}, {"format", "jpg"}, {"width", 1920}, {"height", 1080}},
                               {{"name", "b.mp4"}, {"format", "mp4"}, {"width", 640}, {"height", 480}}}),
                      "invalid_media");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("attachments[1] 'b.mp4'"), std::string::npos);
  h.rejected(summary({{{"name", "a.gif"}, {"format", "gif"}, {"width", 1920}, {"height", 1080}}}), "invalid_field");
  h.ok(summary({{{"name", "a.psd"}, {"format", "psd"}, {"width", 4000}, {"height", 3000}},
                {{"name", "b.mts"}, {"format", "mts"}, {"width", 1280}, {"height", 720}}}));
  h.rejected(command("SubmitSummary", county("XF", "xf-1"),
                     {{"campaign_id", "C-1"}, {"unit_id", "U-LT"}, {"text", "t"}, {"attachments", json::array()}}),
             "forbidden");
}

TEST_F(Roles, PublicReportsFromReceiptToPublication) {
  h.ok(command("ReportByPublic", testing::public_actor(),
               {{"report_id", "R-1"}, {"channel", "wechat"}, {"institution_id", "I-1"},
                {"description", "楼道堆放杂物"}, {"contact", "13900000000"},
                {"media", {{{"name", "p.jpg"}, {"format", "jpg"}, {"width", 320}, {"height", 240}}}}}));
  h.rejected(command("PublishPublicReport", county(), {{"report_id", "R-1"}, {"summary", "s"}}),
             "invalid_transition");
  h.rejected(command("TriagePublicReport", county("XF", "xf-1"),
                     {{"report_id", "R-1"}, {"decision", "reject"}, {"reason", "r"}}),
             "forbidden");
  h.rejected(command("TriagePublicReport", county(), {{"report_id", "R-1"}, {"decision", "reject"}}),
             "missing_field");
  json accepted = h.ok(command("TriagePublicReport", county(),
                               {{"report_id", "R-1"}, {"decision", "accept"}, {"hazard_id", "H-P1"},
                                {"category", "emergency_supplies"}}));
  EXPECT_EQ(accepted["events"], json::array({"PublicReportTriaged", "HazardReported"}));
  auto hazard = h.store().read(Position(accepted["last_position"].get<std::uint64_t>()));
  ASSERT_TRUE(hazard.ok());
  const auto& reported = std::get<HazardReported>(hazard->data);
  EXPECT_EQ(reported.source, HazardSource::public_report);
  EXPECT_EQ(reported.report_id, "R-1");
  EXPECT_EQ(reported.description, "楼道堆放杂物");
  EXPECT_EQ(reported.county, "LT");
  h.rejected(command("TriagePublicReport", county(),
                     {{"report_id", "R-1"}, {"decision", "reject"}, {"reason", "again"}}),
             "invalid_transition");
  h.ok(command("PublishPublicReport", county(), {{"report_id", "R-1"}, {"summary", "已整改"}}));
  h.ok(command("ReportByPublic", testing::public_actor(),
               {{"report_id", "R-2"}, {"channel", "web"}, {"description", "同上"}, {"media", json::array()}}));
  h.ok(command("TriagePublicReport", city(),
               {{"report_id", "R-2"}, {"decision", "duplicate"}, {"duplicate_of", "R-1"}}));
}

}  // namespace
}  // namespace redline
