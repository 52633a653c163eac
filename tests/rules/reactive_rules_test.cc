// The reactive rules of SPEC §4: their events, in the command's own commit, right after
// the event that triggered them.
#include <gtest/gtest.h>

#include "tests/rules/rules_harness.h"

namespace redline {
namespace {

using testing::command;
using testing::json;
using testing::RulesHarness;
using testing::SeenEvent;
using testing::staff;
using testing::types;

void expect_rule_event(const SeenEvent& e, const std::string& rule, std::uint64_t caused_by,
                       const std::string& occurred_at) {
  EXPECT_EQ(e.actor_role, "system") << e.type;
  EXPECT_EQ(e.rule, rule) << e.type;
  EXPECT_EQ(e.caused_by, caused_by) << e.type;
  EXPECT_EQ(e.occurred_at, occurred_at) << e.type;
}

class ReactiveRules : public ::testing::Test {
 protected:
  void SetUp() override { h.city(); }
  RulesHarness h;
};

TEST_F(ReactiveRules, GeneralClassificationSetsTheRectificationDeadline) {
  h.report("H-1", "I-1", "2026-06-02T09:00:00Z");
  json result = h.classify("H-1", "general", "2026-06-02T10:30:00Z");
  EXPECT_EQ(result["events"], json::array({"HazardClassified", "DeadlineSet"}));
  EXPECT_EQ(result["version"], 3);
  auto events = h.events_of(result);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].actor_role, "city_bureau");
  EXPECT_FALSE(events[0].rule.has_value());
  expect_rule_event(events[1], "general-deadline", events[0].position.value(), "2026-06-02T10:30:00Z");
  EXPECT_EQ(events[1].data, json({{"kind", "rectification"}, {"deadline", "2026-06-09T10:30:00Z"}}));
}

TEST_F(ReactiveRules, MajorClassificationSetsThePlanDeadlineTheLimitAndListsAtCity) {
  h.report("H-1", "I-1", "2026-06-02T09:00:00Z");
  json result = h.classify("H-1", "major", "2026-06-02T10:00:00Z");
  EXPECT_EQ(result["events"],
            json::array({"HazardClassified", "DeadlineSet", "DeadlineSet", "HazardListed"}));
  auto events = h.events_of(result);
  ASSERT_EQ(events.size(), 4u);
  const auto classified = events[0].position.value();
  expect_rule_event(events[1], "major-plan-deadline", classified, "2026-06-02T10:00:00Z");
  EXPECT_EQ(events[1].data, json({{"kind", "plan"}, {"deadline", "2026-06-05T10:00:00Z"}}));
  expect_rule_event(events[2], "major-plan-deadline", classified, "2026-06-02T10:00:00Z");
  EXPECT_EQ(events[2].data, json({{"kind", "rectification"}, {"deadline", "2026-08-31T10:00:00Z"}}));
  expect_rule_event(events[3], "major-listing", classified, "2026-06-02T10:00:00Z");
  EXPECT_EQ(events[3].data,
            json({{"level", "city"}, {"authority", "city_bureau"}, {"reason", "major_hazard"}}));

  // The plan limit is the 90-day one: a plan may go to it and not past it.
  json plan = {{"hazard_id", "H-1"}, {"responsible", "院长"}, {"plan", "改造"},
               {"funding", {{"amount", 1000}, {"source", "财政"}}}, {"interim_measures", "值守"},
               {"deadline", "2026-08-31T10:00:01Z"}};
  json late = h.run(command("PlanRectification", staff("I-1"), plan, "2026-06-03T09:00:00Z"));
  EXPECT_EQ(late["ok"], false);
  EXPECT_EQ(late["error"]["code"], "invalid_field");
  plan["deadline"] = "2026-08-31T10:00:00Z";
  json planned = h.ok(command("PlanRectification", staff("I-1"), plan, "2026-06-03T09:00:00Z"));
  EXPECT_EQ(planned["events"], json::array({"RectificationPlanned", "DeadlineSet"}));
  auto plan_events = h.events_of(planned);
  expect_rule_event(plan_events[1], "plan-deadline", plan_events[0].position.value(),
                    "2026-06-03T09:00:00Z");
  EXPECT_EQ(plan_events[1].data, json({{"kind", "rectification"}, {"deadline", "2026-08-31T10:00:00Z"}}));
}

TEST_F(ReactiveRules, TheMajorListingLevelIsConfigurable) {
  RulesConfig rules;
  rules.major_listing_level = ListingLevel::county;
  RulesHarness county_rules(rules);
  county_rules.city();
  county_rules.report("H-1", "I-1", "2026-06-02T09:00:00Z");
  auto events = county_rules.events_of(county_rules.classify("H-1", "major", "2026-06-02T10:00:00Z"));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3].data,
            json({{"level", "county"}, {"authority", "county_bureau"}, {"reason", "major_hazard"}}));
}

TEST_F(ReactiveRules, AssistanceIsReferredToGovernment) {
  h.report("H-1", "I-1", "2026-06-02T09:00:00Z");
  h.classify("H-1", "major", "2026-06-02T10:00:00Z");
  json result = h.ok(command("RequestAssistance", staff("I-1"),
                             {{"hazard_id", "H-1"}, {"reason", "资金缺口"}}, "2026-06-04T09:00:00Z"));
  EXPECT_EQ(result["events"], json::array({"AssistanceRequested", "ReferredToGovernment"}));
  auto events = h.events_of(result);
  expect_rule_event(events[1], "assistance-referral", events[0].position.value(), "2026-06-04T09:00:00Z");
  EXPECT_EQ(events[1].data, json({{"reason", "资金缺口"}}));
}

TEST_F(ReactiveRules, SystemicAtExactlyThreeInstitutionsOfOneCountyWithinTheWindow) {
  // Two institutions, one of them twice: not yet.
  EXPECT_EQ(h.report("H-1", "I-1", "2026-06-01T09:00:00Z", "gas")["events"], json::array({"HazardReported"}));
  EXPECT_EQ(h.report("H-2", "I-1", "2026-06-05T09:00:00Z", "gas")["events"], json::array({"HazardReported"}));
  EXPECT_EQ(h.report("H-3", "I-2", "2026-06-10T09:00:00Z", "gas")["events"], json::array({"HazardReported"}));
  // Another county's report does not count toward LT; another category neither.
  h.report("H-4", "I-9", "2026-06-11T09:00:00Z", "gas");
  h.report("H-5", "I-3", "2026-06-12T09:00:00Z", "electrical");
  // The third institution of LT, 29 days after the first report: systemic.
  json third = h.report("H-6", "I-3", "2026-06-30T09:00:00Z", "gas");
  EXPECT_EQ(third["events"], json::array({"HazardReported", "SystemicHazardIdentified"}));
  auto events = h.events_of(third);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].stream, "systemic-LT-gas");
  expect_rule_event(events[1], "systemic", events[0].position.value(), "2026-06-30T09:00:00Z");
  EXPECT_EQ(events[1].data, json({{"county", "LT"}, {"category", "gas"},
                                  {"institutions", {"I-1", "I-2", "I-3"}},
                                  {"hazards", {"H-1", "H-2", "H-3", "H-6"}}}));
  // Within 30 days of the identification: not again.
  EXPECT_EQ(h.report("H-7", "I-2", "2026-07-20T09:00:00Z", "gas")["events"], json::array({"HazardReported"}));
  // 30 days after it, three institutions again within the window: identified again.
  h.report("H-8", "I-1", "2026-07-25T09:00:00Z", "gas");
  json again = h.report("H-9", "I-3", "2026-07-30T09:00:00Z", "gas");
  EXPECT_EQ(again["events"], json::array({"HazardReported", "SystemicHazardIdentified"}));
  EXPECT_EQ(h.events_of(again)[1].data["hazards"], json::array({"H-7", "H-8", "H-9"}));
}

TEST_F(ReactiveRules, SystemicNeedsTheReportsWithinTheWindow) {
  h.report("H-1", "I-1", "2026-06-01T09:00:00Z", "gas");
  h.report("H-2", "I-2", "2026-06-10T09:00:00Z", "gas");
  // Exactly 30 days after the first: the first is out of the window (occurred_at > at - 30d).
  EXPECT_EQ(h.report("H-3", "I-3", "2026-07-01T09:00:00Z", "gas")["events"],
            json::array({"HazardReported"}));
  EXPECT_EQ(h.report("H-4", "I-1", "2026-07-01T09:00:01Z", "gas")["events"],
            json::array({"HazardReported", "SystemicHazardIdentified"}));
}

TEST_F(ReactiveRules, RuleEventsShareTheCommandsCommitAndAConflictWritesNone) {
  h.report("H-1", "I-1", "2026-06-02T09:00:00Z");
  const Position before = h.store().head().position;
  json conflict = command("ClassifyHazard", testing::city(), {{"hazard_id", "H-1"}, {"severity", "major"}},
                          "2026-06-02T10:00:00Z");
  conflict["expected_version"] = 5;
  json rejected = h.run(conflict);
  EXPECT_EQ(rejected["error"]["code"], "conflict");
  EXPECT_EQ(h.store().head().position, before);
  conflict["expected_version"] = 1;
  json accepted = h.ok(conflict);
  EXPECT_EQ(accepted["first_position"].get<std::uint64_t>(), before.value() + 1);
  EXPECT_EQ(accepted["last_position"].get<std::uint64_t>(), before.value() + 4);
  EXPECT_EQ(accepted["version"], 5);
}

}  // namespace
}  // namespace redline
