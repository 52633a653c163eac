// The hazard lifecycle of SPEC §3: every transition allowed and refused.
#include <gtest/gtest.h>

#include "tests/support/domain_harness.h"

namespace redline {
namespace {

using testing::command;
using testing::county;
using testing::inspector_actor;
using testing::json;
using testing::staff;

using testing::evidence;

json major_plan(const std::string& deadline) {
  return {{"hazard_id", "H-1"},
          {"responsible", "院长王强"},
          {"plan", "更换消防设施"},
          {"funding", {{"amount", 12000.5}, {"source", "财政"}}},
          {"interim_measures", "专人值守"},
          {"deadline", deadline}};
}

class HazardLifecycle : public ::testing::Test {
 protected:
  void SetUp() override { h.city_with_institutions(); }
  testing::DomainHarness h;
};

TEST_F(HazardLifecycle, GeneralHazardFixedOnTheSpotThenVerifiedAndClosed) {
  h.classified_hazard("H-1", "general");  // HazardReported, HazardClassified, DeadlineSet
  h.ok(command("RecordProgress", staff("I-1"), {{"hazard_id", "H-1"}, {"note", "已更换"}}));
  json submitted = h.ok(command("SubmitRectification", staff("I-1"),
                                {{"hazard_id", "H-1"}, {"evidence", evidence()}},
                                "2026-06-03T09:00:00Z"));
  EXPECT_EQ(submitted["events"], json::array({"RectificationSubmitted"}));
  h.ok(command("VerifyRectification", inspector_actor(),
               {{"hazard_id", "H-1"}, {"passed", true}, {"note", "合格"}}));
  json closed = h.ok(command("CloseHazard", county(), {{"hazard_id", "H-1"}}));
  EXPECT_EQ(closed["stream"], "hazard-H-1");
  EXPECT_EQ(closed["version"], 7);
  h.rejected(command("RecordProgress", staff("I-1"), {{"hazard_id", "H-1"}, {"note", "x"}}),
             "invalid_transition");
}

TEST_F(HazardLifecycle, TransitionsRefusedOutOfOrder) {
  h.ok(command("ReportHazard", staff("I-1"),
               {{"hazard_id", "H-1"}, {"institution_id", "I-1"}, {"category", "gas"},
                {"description", "燃气管老化"}, {"source", "self_inspection"}}));
  json r = h.rejected(command("VerifyRectification", inspector_actor(),
                              {{"hazard_id", "H-1"}, {"passed", true}, {"note", "n"}}),
                      "invalid_transition");
  EXPECT_EQ(r["error"]["message"], "hazard H-1 is reported; VerifyRectification needs submitted");
  h.rejected(command("PlanRectification", staff("I-1"), major_plan("2026-06-20T00:00:00Z")),
             "invalid_transition");
  h.rejected(command("SubmitRectification", staff("I-1"), {{"hazard_id", "H-1"}, {"evidence", evidence()}}),
             "invalid_transition");
  h.rejected(command("CloseHazard", county(), {{"hazard_id", "H-1"}}), "invalid_transition");
  h.ok(command("ClassifyHazard", county(), {{"hazard_id", "H-1"}, {"severity", "general"}}));
  h.rejected(command("ClassifyHazard", county(), {{"hazard_id", "H-1"}, {"severity", "major"}}),
             "invalid_transition");
  h.ok(command("DismissHazard", county(), {{"hazard_id", "H-1"}, {"reason", "误报"}}));
  h.rejected(command("RecordProgress", staff("I-1"), {{"hazard_id", "H-1"}, {"note", "x"}}),
             "invalid_transition");
  h.rejected(command("DismissHazard", county(), {{"hazard_id", "H-1"}, {"reason", "again"}}),
             "invalid_transition");
}

TEST_F(HazardLifecycle, MajorHazardNeedsAFullPlanWithinItsLimit) {
  h.classified_hazard("H-1", "major");  // classified 2026-06-02T10:00Z: limit +90 days
  h.rejected(command("SubmitRectification", staff("I-1"), {{"hazard_id", "H-1"}, {"evidence", evidence()}}),
             "invalid_transition");
  json no_funding = major_plan("2026-07-01T00:00:00Z");
  no_funding.erase("funding");
  json r = h.rejected(command("PlanRectification", staff("I-1"), no_funding), "missing_field");
  EXPECT_EQ(r["error"]["message"], "funding");
  json empty_plan = major_plan("2026-07-01T00:00:00Z");
  empty_plan["plan"] = "";
  h.rejected(command("PlanRectification", staff("I-1"), empty_plan), "invalid_field");
  json negative = major_plan("2026-07-01T00:00:00Z");
  negative["funding"]["amount"] = -1;
  h.rejected(command("PlanRectification", staff("I-1"), negative), "invalid_field");
  r = h.rejected(command("PlanRectification", staff("I-1"), major_plan("2026-09-01T00:00:00Z")),
                 "invalid_field");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("rectification limit 2026-08-31T10:00:00Z"),
            std::string::npos)
      << r.dump();
  h.ok(command("PlanRectification", staff("I-1"), major_plan("2026-08-31T10:00:00Z")));
  // A revised plan is allowed while rectifying.
  h.ok(command("PlanRectification", staff("I-1"), major_plan("2026-08-01T00:00:00Z")));
  // Past the limit only after an extension.
  h.ok(command("ExtendDeadline", county(),
               {{"hazard_id", "H-1"}, {"new_deadline", "2026-10-01T00:00:00Z"}, {"reason", "资金"}}));
  h.ok(command("PlanRectification", staff("I-1"), major_plan("2026-09-15T00:00:00Z")));
  h.rejected(command("ExtendDeadline", county(),
                     {{"hazard_id", "H-1"}, {"new_deadline", "2026-09-01T00:00:00Z"}, {"reason", "r"}}),
             "invalid_field");
}

TEST_F(HazardLifecycle, GeneralPlanNeedsResponsibleAndDeadline) {
  h.classified_hazard("H-1", "general");  // limit 2026-06-09T10:00Z
  h.rejected(command("PlanRectification", staff("I-1"),
                     {{"hazard_id", "H-1"}, {"deadline", "2026-06-05T00:00:00Z"}}),
             "missing_field");
  h.rejected(command("PlanRectification", staff("I-1"),
                     {{"hazard_id", "H-1"}, {"responsible", "王强"}}),
             "missing_field");
  h.rejected(command("PlanRectification", staff("I-1"),
                     {{"hazard_id", "H-1"}, {"responsible", "王强"}, {"deadline", "2026-06-10T00:00:00Z"}}),
             "invalid_field");
  h.ok(command("PlanRectification", staff("I-1"),
               {{"hazard_id", "H-1"}, {"responsible", "王强"}, {"deadline", "2026-06-09T10:00:00Z"}}));
}

TEST_F(HazardLifecycle, VerifierIsNeverTheSubmitterAndAFailedVerificationReopens) {
  h.classified_hazard("H-1", "general");
  h.ok(command("SubmitRectification", county("LT", "lt-9"), {{"hazard_id", "H-1"}, {"evidence", evidence()}}));
  json r = h.rejected(command("VerifyRectification", county("LT", "lt-9"),
                              {{"hazard_id", "H-1"}, {"passed", true}, {"note", "self"}}),
                      "forbidden");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("may not verify"), std::string::npos);
  h.ok(command("VerifyRectification", inspector_actor(),
               {{"hazard_id", "H-1"}, {"passed", false}, {"note", "不合格"}}));
  // Back to work: progress and a new submission are allowed again.
  h.ok(command("RecordProgress", staff("I-1"), {{"hazard_id", "H-1"}, {"note", "返工"}}));
  h.ok(command("SubmitRectification", staff("I-1"), {{"hazard_id", "H-1"}, {"evidence", evidence()}}));
  h.ok(command("VerifyRectification", inspector_actor(),
               {{"hazard_id", "H-1"}, {"passed", true}, {"note", "合格"}}));
}

TEST_F(HazardLifecycle, ListingBlocksClosingUntilDelisted) {
  h.classified_hazard("H-1", "general");
  h.rejected(command("ListHazard", county(), {{"hazard_id", "H-1"}, {"level", "city"}}), "forbidden");
  h.ok(command("ListHazard", county(), {{"hazard_id", "H-1"}, {"level", "county"}, {"reason", "群众反映强烈"}}));
  h.rejected(command("ListHazard", county(), {{"hazard_id", "H-1"}, {"level", "county"}}),
             "invalid_transition");
  h.ok(command("ListHazard", testing::city(), {{"hazard_id", "H-1"}, {"level", "city"}}));
  h.rejected(command("DelistHazard", testing::city(), {{"hazard_id", "H-1"}, {"level", "city"}}),
             "invalid_transition");  // not verified yet
  h.ok(command("SubmitRectification", staff("I-1"), {{"hazard_id", "H-1"}, {"evidence", evidence()}}));
  h.ok(command("VerifyRectification", inspector_actor(), {{"hazard_id", "H-1"}, {"passed", true}, {"note", "ok"}}));
  json r = h.rejected(command("CloseHazard", county(), {{"hazard_id", "H-1"}}), "invalid_transition");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("listed"), std::string::npos);
  h.rejected(command("DelistHazard", county(), {{"hazard_id", "H-1"}, {"level", "city"}}), "forbidden");
  h.ok(command("DelistHazard", testing::city(), {{"hazard_id", "H-1"}, {"level", "city"}}));
  h.ok(command("CloseHazard", county(), {{"hazard_id", "H-1"}}));
}

TEST_F(HazardLifecycle, AssistanceOnlyForMajorHazardsNotYetVerified) {
  h.classified_hazard("H-1", "general");
  h.rejected(command("RequestAssistance", staff("I-1"), {{"hazard_id", "H-1"}, {"reason", "缺资金"}}),
             "invalid_transition");
  h.classified_hazard("H-2", "major");
  h.ok(command("RequestAssistance", staff("I-1"), {{"hazard_id", "H-2"}, {"reason", "缺资金"}}));
}

TEST_F(HazardLifecycle, ExpectedVersionConflicts) {
  // HazardReported, HazardClassified and the rule's DeadlineSet: version 3.
  h.classified_hazard("H-1", "general");
  json progress = command("RecordProgress", staff("I-1"), {{"hazard_id", "H-1"}, {"note", "n"}});
  progress["expected_version"] = 2;
  json r = h.rejected(progress, "conflict");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("hazard-H-1 is at version 3, expected 2"),
            std::string::npos)
      << r.dump();
  progress["expected_version"] = 3;
  json accepted = h.ok(progress);
  EXPECT_EQ(accepted["version"], 4);
}

TEST_F(HazardLifecycle, RepeatedCommandIdReturnsTheFirstResult) {
  json report = command("ReportHazard", staff("I-1"),
                        {{"hazard_id", "H-1"}, {"institution_id", "I-1"}, {"category", "electrical"},
                         {"description", "电线裸露"}, {"source", "self_inspection"}});
  report["command_id"] = "cmd-42";
  json first = h.ok(report);
  const Position head = h.store().head().position;
  json again = h.ok(report);
  EXPECT_EQ(again["duplicate"], true);
  EXPECT_EQ(again["first_position"], first["first_position"]);
  EXPECT_EQ(again["events"], first["events"]);
  EXPECT_EQ(h.store().head().position, head);
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

TEST_F(HazardLifecycle, TrimmedCacheReloadsStatesFromTheStore) {
  h.classified_hazard("H-1", "general");
  h.classified_hazard("H-2", "general");
  h.ok(command("SubmitRectification", staff("I-1"), {{"hazard_id", "H-1"}, {"evidence", evidence()}}));
  h.ok(command("VerifyRectification", inspector_actor(), {{"hazard_id", "H-1"}, {"passed", true}, {"note", "ok"}}));
  h.ok(command("CloseHazard", county(), {{"hazard_id", "H-1"}}));
  const std::size_t before = h.processor().cache().size();
  h.processor().trim_cache();
  EXPECT_EQ(h.processor().cache().size(), before - 1);  // the closed hazard went
  h.rejected(command("RecordProgress", staff("I-1"), {{"hazard_id", "H-1"}, {"note", "n"}}),
             "invalid_transition");  // reloaded: still closed
  h.ok(command("RecordProgress", staff("I-1"), {{"hazard_id", "H-2"}, {"note", "n"}}));
  h.processor().cache().clear();
  h.ok(command("SubmitRectification", staff("I-1"), {{"hazard_id", "H-2"}, {"evidence", evidence()}}));
}

}  // namespace
}  // namespace redline
