// The deadline rules of SPEC §4 run by the tick: deadline-missed, still-overdue (the
// escalation ladder), verification-overdue, what clears and re-arms them, the tick's
// idempotence, and the deadline index staying equal to what the log implies.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <memory>
#include <set>

#include "engine/rules/due_items.h"
#include "engine/store_layout.h"
#include "tests/rules/rules_harness.h"

namespace redline {
namespace {

using testing::command;
using testing::json;
using testing::RulesHarness;
using testing::SeenEvent;
using testing::staff;
using testing::types;

const json kEscalatedToCounty = {{"from", "institution"}, {"to", "county"}, {"reason", "deadline_missed"}};

class DeadlineRules : public ::testing::Test {
 protected:
  void SetUp() override { h.city(); }

  // A general hazard H-1 at I-1 classified 2026-06-02T10:00Z: deadline 2026-06-09T10:00Z.
  void general_hazard() {
    h.report("H-1", "I-1", "2026-06-02T09:00:00Z");
    json classified = h.classify("H-1", "general", "2026-06-02T10:00:00Z");
    deadline_set_ = classified["last_position"].get<std::uint64_t>();
  }

  // Every event comes from the rules, at `at`, caused by `caused_by`, with `rule`.
  static void expect_rule(const std::vector<SeenEvent>& events, const std::string& rule,
                          std::uint64_t caused_by, const std::string& at) {
    for (const auto& e : events) {
      EXPECT_EQ(e.actor_role, "system") << e.type;
      EXPECT_EQ(e.rule, rule) << e.type;
      EXPECT_EQ(e.caused_by, caused_by) << e.type;
      EXPECT_EQ(e.occurred_at, at) << e.type;
      EXPECT_EQ(e.stream, "hazard-H-1") << e.type;
    }
  }

  json submit(const std::string& at) {
    return h.ok(command("SubmitRectification", staff("I-1"),
                        {{"hazard_id", "H-1"}, {"evidence", testing::evidence()}}, at));
  }

  RulesHarness h;
  std::uint64_t deadline_set_ = 0;
};

TEST_F(DeadlineRules, TheLadderStepByStepToGovernmentAndNothingAfter) {
  general_hazard();
  EXPECT_TRUE(h.tick("2026-06-09T09:59:59Z").empty());

  auto missed = h.tick("2026-06-09T10:00:00Z");
  EXPECT_EQ(types(missed), (std::vector<std::string>{"DeadlineMissed", "HazardEscalated"}));
  expect_rule(missed, "deadline-missed", deadline_set_, "2026-06-09T10:00:00Z");
  EXPECT_EQ(missed[0].data, json({{"kind", "rectification"}, {"deadline", "2026-06-09T10:00:00Z"}}));
  EXPECT_EQ(missed[1].data, kEscalatedToCounty);
  const std::uint64_t miss = missed[0].position.value();

  EXPECT_TRUE(h.tick("2026-06-16T09:59:59Z").empty());
  // To city: listed at city; no accountability, as it was not listed before this step.
  auto second = h.tick("2026-06-16T10:00:00Z");
  EXPECT_EQ(types(second), (std::vector<std::string>{"HazardEscalated", "HazardListed"}));
  expect_rule(second, "still-overdue", miss, "2026-06-16T10:00:00Z");
  EXPECT_EQ(second[0].data, json({{"from", "county"}, {"to", "city"}, {"reason", "still_overdue"}}));
  EXPECT_EQ(second[1].data, json({{"level", "city"}, {"authority", "city_bureau"}, {"reason", "escalation"}}));

  // To government: listed before this step, so accountability.
  auto third = h.tick("2026-06-23T10:00:00Z");
  EXPECT_EQ(types(third), (std::vector<std::string>{"HazardEscalated", "AccountabilityRaised"}));
  expect_rule(third, "still-overdue", miss, "2026-06-23T10:00:00Z");
  EXPECT_EQ(third[0].data, json({{"from", "city"}, {"to", "government"}, {"reason", "still_overdue"}}));
  EXPECT_EQ(third[1].data, json({{"institution_id", "I-1"}, {"county", "LT"}, {"reason", "still_overdue"}}));

  // Nothing past government.
  EXPECT_TRUE(h.tick("2027-06-01T00:00:00Z").empty());
}

TEST_F(DeadlineRules, OneLateTickHandlesEveryDueStepInTimeOrder) {
  general_hazard();
  auto all = h.tick("2026-07-01T00:00:00Z");
  std::vector<std::string> seen;
  for (const auto& e : all) seen.push_back(e.type + "@" + e.occurred_at);
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "DeadlineMissed@2026-06-09T10:00:00Z", "HazardEscalated@2026-06-09T10:00:00Z",
                      "HazardEscalated@2026-06-16T10:00:00Z", "HazardListed@2026-06-16T10:00:00Z",
                      "HazardEscalated@2026-06-23T10:00:00Z",
                      "AccountabilityRaised@2026-06-23T10:00:00Z"}));
}

TEST_F(DeadlineRules, AShorterLadderAndIntervalFromTheConfig) {
  RulesConfig rules;
  rules.escalation_ladder = {EscalationLevel::institution, EscalationLevel::city};
  rules.escalation_interval_days = 2;
  RulesHarness other(rules);
  other.city();
  other.report("H-1", "I-1", "2026-06-02T09:00:00Z");
  other.classify("H-1", "general", "2026-06-02T10:00:00Z");
  auto all = other.tick("2026-07-01T00:00:00Z");
  EXPECT_EQ(types(all), (std::vector<std::string>{"DeadlineMissed", "HazardEscalated", "HazardListed"}));
  EXPECT_EQ(all[1].data, json({{"from", "institution"}, {"to", "city"}, {"reason", "deadline_missed"}}));
}

TEST_F(DeadlineRules, AMissedPlanDeadlineOfAListedMajorHazardAndALatePlan) {
  h.report("H-1", "I-1", "2026-06-02T09:00:00Z");
  json classified = h.classify("H-1", "major", "2026-06-02T10:00:00Z");
  const std::uint64_t plan_deadline_set = classified["first_position"].get<std::uint64_t>() + 1;
  auto missed = h.tick("2026-06-05T10:00:00Z");
  EXPECT_EQ(types(missed),
            (std::vector<std::string>{"DeadlineMissed", "HazardEscalated", "AccountabilityRaised"}));
  expect_rule(missed, "deadline-missed", plan_deadline_set, "2026-06-05T10:00:00Z");
  EXPECT_EQ(missed[0].data, json({{"kind", "plan"}, {"deadline", "2026-06-05T10:00:00Z"}}));
  EXPECT_EQ(missed[1].data, json({{"from", "city"}, {"to", "government"}, {"reason", "deadline_missed"}}));

  // A late plan clears the missed plan deadline; its own deadline becomes the active one.
  json planned = h.ok(command("PlanRectification", staff("I-1"),
                              {{"hazard_id", "H-1"}, {"responsible", "院长"}, {"plan", "改造"},
                               {"funding", {{"amount", 0}, {"source", "自筹"}}},
                               {"interim_measures", "值守"}, {"deadline", "2026-06-20T00:00:00Z"}},
                              "2026-06-06T09:00:00Z"));
  EXPECT_TRUE(h.tick("2026-06-19T23:59:59Z").empty());
  // Missed again at government: no further step, but a listed hazard's miss raises
  // accountability.
  auto again = h.tick("2026-06-20T00:00:00Z");
  EXPECT_EQ(types(again), (std::vector<std::string>{"DeadlineMissed", "AccountabilityRaised"}));
  expect_rule(again, "deadline-missed", planned["last_position"].get<std::uint64_t>(),
              "2026-06-20T00:00:00Z");
  EXPECT_TRUE(h.tick("2026-12-01T00:00:00Z").empty());
}

TEST_F(DeadlineRules, OverdueClearedBySubmissionThenVerificationOverdueOncePerSubmission) {
  general_hazard();
  h.tick("2026-06-09T10:00:00Z");
  json submitted = submit("2026-06-10T09:00:00Z");
  // No still-overdue step on 06-16: the submission cleared the overdue state.
  auto waiting = h.tick("2026-06-15T09:00:00Z");
  EXPECT_EQ(types(waiting), (std::vector<std::string>{"VerificationOverdue"}));
  expect_rule(waiting, "verification-overdue", submitted["first_position"].get<std::uint64_t>(),
              "2026-06-15T09:00:00Z");
  EXPECT_EQ(waiting[0].data, json({{"submitted_at", "2026-06-10T09:00:00Z"}}));
  EXPECT_TRUE(h.tick("2026-06-19T00:00:00Z").empty());

  // A failed verification reopens the hazard past its deadline: deadline-missed is due at
  // once (the instant it was re-armed), and the next submission is watched again.
  json failed = h.ok(command("VerifyRectification", testing::inspector_actor(),
                             {{"hazard_id", "H-1"}, {"passed", false}, {"note", "不合格"}},
                             "2026-06-19T12:00:00Z"));
  auto reopened = h.tick("2026-06-19T12:00:00Z");
  EXPECT_EQ(types(reopened),
            (std::vector<std::string>{"DeadlineMissed", "HazardEscalated", "HazardListed"}));
  expect_rule(reopened, "deadline-missed", failed["first_position"].get<std::uint64_t>(),
              "2026-06-19T12:00:00Z");
  EXPECT_EQ(reopened[1].data, json({{"from", "county"}, {"to", "city"}, {"reason", "deadline_missed"}}));
  submit("2026-06-20T09:00:00Z");
  auto second_wait = h.tick("2026-06-26T00:00:00Z");
  EXPECT_EQ(types(second_wait), (std::vector<std::string>{"VerificationOverdue"}));
  EXPECT_EQ(second_wait[0].data, json({{"submitted_at", "2026-06-20T09:00:00Z"}}));
}

TEST_F(DeadlineRules, AnExtensionPastNowClearsOverdueAndReArms) {
  general_hazard();
  h.tick("2026-06-09T10:00:00Z");
  // The new deadline must move the active one later and lie after the command's time.
  json not_later = h.run(command("ExtendDeadline", testing::county(),
                                 {{"hazard_id", "H-1"}, {"new_deadline", "2026-06-09T10:00:00Z"},
                                  {"reason", "施工期"}},
                                 "2026-06-08T09:00:00Z"));
  EXPECT_EQ(not_later["error"]["code"], "invalid_field");
  json past = h.run(command("ExtendDeadline", testing::county(),
                            {{"hazard_id", "H-1"}, {"new_deadline", "2026-06-10T00:00:00Z"},
                             {"reason", "施工期"}},
                            "2026-06-10T09:00:00Z"));
  EXPECT_EQ(past["error"]["code"], "invalid_field");
  json extended = h.ok(command("ExtendDeadline", testing::county(),
                               {{"hazard_id", "H-1"}, {"new_deadline", "2026-06-20T00:00:00Z"},
                                {"reason", "施工期"}},
                               "2026-06-10T09:00:00Z"));
  EXPECT_TRUE(h.tick("2026-06-19T23:59:59Z").empty());  // no still-overdue step on 06-16
  auto missed = h.tick("2026-06-20T00:00:00Z");
  EXPECT_EQ(types(missed), (std::vector<std::string>{"DeadlineMissed", "HazardEscalated", "HazardListed"}));
  expect_rule(missed, "deadline-missed", extended["first_position"].get<std::uint64_t>(),
              "2026-06-20T00:00:00Z");
  EXPECT_EQ(missed[0].data, json({{"kind", "rectification"}, {"deadline", "2026-06-20T00:00:00Z"}}));
}

TEST_F(DeadlineRules, TickingAgainToTheSameOrAnEarlierTimeAppendsNothing) {
  general_hazard();
  EXPECT_EQ(h.tick("2026-06-09T10:00:00Z").size(), 2u);
  const Position head = h.store().head().position;
  auto same = run_tick(h.store(), h.rules(), testing::instant("2026-06-09T10:00:00Z"));
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->already_ticked_to, testing::instant("2026-06-09T10:00:00Z"));
  EXPECT_TRUE(h.tick("2026-06-01T00:00:00Z").empty());
  EXPECT_EQ(h.store().head().position, head);

  // A hazard classified afterwards with business time in the past: the ticks it missed are
  // not re-run, the next tick handles its due items, at their own instants, in order.
  h.report("H-2", "I-2", "2026-06-01T09:00:00Z");
  h.classify("H-2", "general", "2026-06-01T10:00:00Z");
  EXPECT_TRUE(h.tick("2026-06-09T10:00:00Z").empty());
  auto late = h.tick("2026-06-15T12:00:00Z");
  std::vector<std::string> seen;
  for (const auto& e : late) seen.push_back(e.stream + " " + e.type + "@" + e.occurred_at);
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "hazard-H-2 DeadlineMissed@2026-06-08T10:00:00Z",
                      "hazard-H-2 HazardEscalated@2026-06-08T10:00:00Z",
                      "hazard-H-2 HazardEscalated@2026-06-15T10:00:00Z",
                      "hazard-H-2 HazardListed@2026-06-15T10:00:00Z"}));
}

HazardState folded(EventStore& store, const std::string& id) {
  HazardState state;
  const std::vector<Position> positions = store.stream_positions("hazard-" + id).value();
  for (Position p : positions) apply(state, facts_of(store.read(p).value()));
  return state;
}

TEST_F(DeadlineRules, ExtendingThePlanDeadlineLeavesTheRectificationLimit) {
  h.report("H-1", "I-1", "2026-06-02T09:00:00Z");
  h.classify("H-1", "major", "2026-06-02T10:00:00Z");
  h.ok(command("ExtendDeadline", testing::county(),
               {{"hazard_id", "H-1"}, {"new_deadline", "2026-12-31T00:00:00Z"}, {"reason", "论证"}},
               "2026-06-03T09:00:00Z"));
  const HazardState state = folded(h.store(), "H-1");
  EXPECT_EQ(state.plan_deadline, testing::instant("2026-12-31T00:00:00Z"));
  EXPECT_EQ(state.rectification_limit, testing::instant("2026-08-31T10:00:00Z"));
  json plan = {{"hazard_id", "H-1"}, {"responsible", "院长"}, {"plan", "改造"},
               {"funding", {{"amount", 0}, {"source", "自筹"}}}, {"interim_measures", "值守"},
               {"deadline", "2026-12-30T00:00:00Z"}};
  EXPECT_EQ(h.run(command("PlanRectification", staff("I-1"), plan, "2026-06-04T09:00:00Z"))["error"]["code"],
            "invalid_field");
}

TEST_F(DeadlineRules, DismissingAListedHazardEndsItsListingAndItsDeadlines) {
  h.report("H-1", "I-1", "2026-06-02T09:00:00Z");
  h.classify("H-1", "major", "2026-06-02T10:00:00Z");
  h.ok(command("DismissHazard", testing::county(), {{"hazard_id", "H-1"}, {"reason", "误报"}},
               "2026-06-03T09:00:00Z"));
  const HazardState state = folded(h.store(), "H-1");
  EXPECT_EQ(state.phase, HazardPhase::dismissed);
  EXPECT_FALSE(state.listed.has_value());
  EXPECT_TRUE(h.tick("2026-12-31T00:00:00Z").empty());
}

// The deadlines family holds exactly the items the folded hazards wait for.
TEST_F(DeadlineRules, TheDeadlineIndexEqualsWhatTheLogImplies) {
  general_hazard();
  h.report("H-2", "I-2", "2026-06-02T09:00:00Z");
  h.classify("H-2", "major", "2026-06-02T11:00:00Z");  // misses its plan at government
  h.report("H-3", "I-3", "2026-06-03T09:00:00Z");
  h.classify("H-3", "general", "2026-06-03T09:30:00Z");
  h.report("H-4", "I-1", "2026-06-02T09:00:00Z");
  h.classify("H-4", "general", "2026-06-02T12:00:00Z");
  h.tick("2026-06-12T00:00:00Z");
  submit("2026-06-12T09:00:00Z");
  h.ok(command("SubmitRectification", staff("I-3"), {{"hazard_id", "H-3"}, {"evidence", testing::evidence()}},
               "2026-06-12T10:00:00Z"));
  h.report("H-5", "I-2", "2026-06-11T09:00:00Z");
  h.classify("H-5", "general", "2026-06-11T11:00:00Z");

  std::set<std::string> stored;
  std::unique_ptr<rocksdb::Iterator> it(h.store().db()->NewIterator(
      rocksdb::ReadOptions(), h.store().family(layout::kDeadlinesFamily)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto item = parse_due_item(std::string_view(it->key().data(), it->key().size()),
                               std::string_view(it->value().data(), it->value().size()));
    ASSERT_TRUE(item.has_value());
    stored.insert(std::string(to_string(item->kind)) + " " + item->subject + " " +
                  format_instant(item->due) + " " + std::to_string(item->caused_by.value()));
  }
  std::set<std::string> implied;
  for (const std::string id : {"H-1", "H-2", "H-3", "H-4", "H-5"}) {
    HazardState state;
    const std::vector<Position> positions = h.store().stream_positions("hazard-" + id).value();
    for (Position p : positions) {
      apply(state, facts_of(h.store().read(p).value()));
    }
    for (const DueItem& item : hazard_due_items(id, state, h.rules())) {
      implied.insert(std::string(to_string(item.kind)) + " " + item.subject + " " +
                     format_instant(item.due) + " " + std::to_string(item.caused_by.value()));
    }
  }
  EXPECT_EQ(stored, implied);
  // H-1 and H-3 wait for verification, H-4 for still-overdue, H-5 for its deadline; H-2
  // missed its plan at government and waits for nothing.
  EXPECT_EQ(stored.size(), 4u);
}

}  // namespace
}  // namespace redline
