// campaign-obligations (SPEC §4): at the end of liaison_due, summary_due and ends_on, an
// ObligationMissed for each county bureau lacking the submission, and for each institution
// without a drill held within the campaign or a responsibility letter addressed to it.
#include <gtest/gtest.h>

#include "tests/rules/rules_harness.h"

namespace redline {
namespace {

using testing::command;
using testing::json;
using testing::RulesHarness;
using testing::SeenEvent;
using testing::staff;

json summary_photo() {
  return json::array({{{"name", "总结.jpg"}, {"format", "jpg"}, {"width", 1920}, {"height", 1080}}});
}

std::vector<std::string> described(const std::vector<SeenEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    EXPECT_EQ(e.stream, "campaign-C-1");
    EXPECT_EQ(e.rule, "campaign-obligations");
    EXPECT_EQ(e.actor_role, "system");
    out.push_back(e.type + " " + e.data["kind"].get<std::string>() + " " +
                  (e.data["unit_id"].is_string() ? e.data["unit_id"].get<std::string>() : "-") + " " +
                  (e.data["institution_id"].is_string() ? e.data["institution_id"].get<std::string>() : "-") +
                  " @" + e.occurred_at);
  }
  return out;
}

TEST(CampaignObligations, EachCheckAtTheEndOfItsDay) {
  RulesHarness h;
  h.city();
  json started = h.ok(command("StartCampaign", testing::city(),
                              {{"campaign_id", "C-1"}, {"title", "安全生产月"}, {"starts_on", "2026-06-01"},
                               {"ends_on", "2026-06-30"}, {"liaison_due", "2026-06-05"},
                               {"summary_due", "2026-07-05"}},
                              "2026-06-01T08:00:00Z"));
  const std::uint64_t campaign = started["first_position"].get<std::uint64_t>();
  h.ok(command("SubmitLiaisonList", testing::county(),
               {{"campaign_id", "C-1"}, {"unit_id", "U-LT"},
                {"liaisons", {{{"name", "李明"}, {"phone", "13800000000"}}}}},
               "2026-06-04T09:00:00Z"));
  // Drills: I-1 and I-3 within the campaign, I-2 only before it, I-9 none.
  const std::vector<std::pair<std::string, std::string>> drills = {
      {"I-1", "2026-06-10"}, {"I-2", "2026-05-20"}, {"I-3", "2026-06-30"}};
  for (const auto& [institution, day] : drills) {
    h.ok(command("RecordDrill", staff(institution),
                 {{"drill_id", "D-" + institution}, {"institution_id", institution}, {"kind", "fire_drill"},
                  {"held_on", day}, {"instructor", "firefighter"}, {"participants", 30}},
                 "2026-06-01T09:00:00Z"));
  }
  // Letters to I-1 (before the campaign) and I-3; none to I-2 or I-9.
  for (const auto& [institution, day] : {std::pair{"I-1", "2026-05-30"}, {"I-3", "2026-06-20"}}) {
    h.ok(command("SignResponsibilityLetter", testing::county(),
                 {{"letter_id", std::string("L-") + institution}, {"from_unit", "U-LT"}, {"to_unit", institution},
                  {"scope", "安全生产"}, {"signed_on", day}},
                 "2026-06-01T09:00:00Z"));
  }

  EXPECT_TRUE(h.tick("2026-06-05T23:59:59Z").empty());
  auto liaison = h.tick("2026-06-06T00:00:00Z");
  EXPECT_EQ(described(liaison),
            (std::vector<std::string>{"ObligationMissed liaison_list U-XF - @2026-06-06T00:00:00Z"}));
  EXPECT_EQ(liaison[0].caused_by, campaign);

  auto end = h.tick("2026-07-01T00:00:00Z");
  EXPECT_EQ(described(end), (std::vector<std::string>{
                                "ObligationMissed drill - I-2 @2026-07-01T00:00:00Z",
                                "ObligationMissed responsibility_letter - I-2 @2026-07-01T00:00:00Z",
                                "ObligationMissed drill - I-9 @2026-07-01T00:00:00Z",
                                "ObligationMissed responsibility_letter - I-9 @2026-07-01T00:00:00Z"}));

  // U-LT's summary is in time; U-XF's arrives after the due day has ended.
  h.ok(command("SubmitSummary", testing::county(),
               {{"campaign_id", "C-1"}, {"unit_id", "U-LT"}, {"text", "总结"}, {"attachments", summary_photo()}},
               "2026-07-03T09:00:00Z"));
  h.ok(command("SubmitSummary", testing::county("XF", "xf-1"),
               {{"campaign_id", "C-1"}, {"unit_id", "U-XF"}, {"text", "总结"}, {"attachments", summary_photo()}},
               "2026-07-06T09:00:00Z"));
  auto summary = h.tick("2026-07-08T00:00:00Z");
  EXPECT_EQ(described(summary),
            (std::vector<std::string>{"ObligationMissed summary U-XF - @2026-07-06T00:00:00Z"}));
  EXPECT_TRUE(h.tick("2026-12-31T00:00:00Z").empty());
}

}  // namespace
}  // namespace redline
