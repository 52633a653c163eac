// The city simulator: deterministic for a seed, every command of the spec in its stream,
// and every line accepted by the command processor on an empty store.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <span>
#include <variant>

#include "engine/audit.h"
#include "engine/domain/handlers.h"
#include "engine/domain/submission.h"
#include "engine/rules/tick.h"
#include "events/time.h"
#include "tests/support/domain_harness.h"
#include "tests/support/temp_dir.h"
#include "tools/simulator/city_simulator.h"

namespace redline {
namespace {

std::vector<std::string> simulate(const SimulationOptions& options, SimulationCounts* counts) {
  std::vector<std::string> lines;
  Status status = simulate_city(
      options, [&lines](const nlohmann::ordered_json& c) { lines.push_back(c.dump()); }, counts);
  EXPECT_TRUE(status.ok()) << status.to_string();
  return lines;
}

TEST(Simulator, SameSeedSameStreamOtherSeedOtherStream) {
  SimulationOptions options{.seed = 5, .counties = 3, .institutions = 40, .days = 20};
  SimulationCounts counts;
  const auto first = simulate(options, &counts);
  EXPECT_EQ(simulate(options, nullptr), first);
  options.seed = 6;
  EXPECT_NE(simulate(options, nullptr), first);
  EXPECT_EQ(counts.commands, first.size());
  EXPECT_GT(counts.hazards, 50u);
}

TEST(Simulator, EveryLineIsAcceptedAndEveryCommandTypeOccurs) {
  SimulationCounts counts;
  const auto lines =
      simulate({.seed = 11, .counties = 4, .institutions = 120, .days = 30}, &counts);
  testing::DomainHarness h;
  std::set<std::string> types;
  std::map<std::string, int> delists;  // "level by role" → count
  for (const auto& line : lines) {
    auto result = h.run_line(line);
    ASSERT_EQ(result["ok"], true) << line << "\n -> " << result.dump();
    const auto command = nlohmann::json::parse(line);
    const std::string type = command["type"];
    types.insert(type);
    // The reactive rules ran in the same commit.
    if (type == "ClassifyHazard" && command["severity"] == "major") {
      EXPECT_EQ(result["events"], nlohmann::json::array({"HazardClassified", "DeadlineSet",
                                                         "DeadlineSet", "HazardListed"}));
    } else if (type == "RequestAssistance") {
      EXPECT_EQ(result["events"], nlohmann::json::array({"AssistanceRequested", "ReferredToGovernment"}));
    } else if (type == "DelistHazard") {
      ++delists[command["level"].get<std::string>() + " by " + command["actor"]["role"].get<std::string>()];
    }
  }
  // Major hazards (listed at city level by the rule) are delisted by the city bureau, and
  // general ones listed by their county bureau by that bureau; no other delisting.
  EXPECT_EQ(delists.size(), 2u);
  EXPECT_GT(delists["city by city_bureau"], 0);
  EXPECT_GT(delists["county by county_bureau"], 0);
  for (const char* type :
       {"RegisterUnit", "RegisterInstitution", "AppointLiaison", "SignResponsibilityLetter",
        "RegisterVolunteer", "StartCampaign", "RecordDrill", "SubmitLiaisonList",
        "SubmitActivityPlan", "SubmitSummary", "PlanInspection", "StartInspection",
        "CompleteInspection", "ReportHazard", "ClassifyHazard", "DismissHazard",
        "PlanRectification", "RecordProgress", "SubmitRectification", "VerifyRectification",
        "CloseHazard", "ExtendDeadline", "ListHazard", "DelistHazard", "RequestAssistance",
        "ReportByPublic", "TriagePublicReport", "PublishPublicReport"}) {
    EXPECT_TRUE(types.count(type)) << type << " never simulated";
    EXPECT_NE(find_handler(type), nullptr) << type;
  }
  auto verified = verify_chain(h.store());
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact()) << verified->problem;
}

// As tools/run_month.sh runs a month: each day's commands submitted (the `submit` loop),
// then the deadline rules ticked to the next midnight. They escalate the late hazards, but
// never to city one that the stream later delists at county level or closes.
TEST(Simulator, EveryLineIsAcceptedWhenTheDeadlineRulesTickAfterEachDay) {
  const auto lines =
      simulate({.seed = 7, .counties = 4, .institutions = 160, .days = 45}, nullptr);
  testing::TempDir dir;
  auto opened = EventStore::open(StoreOptions{dir.sub("store"), false, true});
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  auto store = std::move(opened).value();
  const RulesConfig rules;
  std::map<std::string, int> rule_events;  // type {listing level, reason | escalation rungs}
  std::vector<std::string> rejected;
  auto submit_day = [&](std::span<const std::string> day) {
    MemoryLineSource source(day);
    auto sink = [&](const std::vector<CommandOutcome>& results) {
      for (const auto& result : results) {
        if (!result.ok) rejected.push_back(day[result.line - 1] + "\n -> " + result.json);
      }
    };
    const auto totals = run_submission(*store, rules, source, sink);
    EXPECT_FALSE(totals.storage_failed);
  };
  auto tick = [&](Timestamp now) {
    auto outcome = run_tick(*store, rules, now);
    ASSERT_TRUE(outcome.ok()) << outcome.status().to_string();
    if (!outcome->first_position) return;
    for (auto p = outcome->first_position->value(); p <= outcome->last_position->value(); ++p) {
      auto event = store->read(Position(p));
      ASSERT_TRUE(event.ok()) << event.status().to_string();
      std::string key(event->type());
      if (const auto* listed = std::get_if<HazardListed>(&event->data)) {
        key += "{" + std::string(to_string(listed->level)) + ", " + listed->reason + "}";
      } else if (const auto* escalated = std::get_if<HazardEscalated>(&event->data)) {
        key += "{" + std::string(to_string(escalated->from)) + " -> " +
               std::string(to_string(escalated->to)) + "}";
      }
      ++rule_events[key];
    }
  };
  // One day's lines at a time ("at" is sorted; its first 10 characters are the day).
  auto day_of = [&](std::size_t i) {
    return nlohmann::json::parse(lines[i])["at"].get<std::string>().substr(0, 10);
  };
  std::size_t first = 0;
  while (first < lines.size()) {
    const std::string day = day_of(first);
    std::size_t end = first;
    while (end < lines.size() && day_of(end) == day) ++end;
    submit_day(std::span(lines).subspan(first, end - first));
    tick(Timestamp(parse_day(day)->value() + kMillisPerDay));
    first = end;
  }
  EXPECT_TRUE(rejected.empty()) << rejected.size() << " rejected, first: " << rejected.front();
  std::string seen;
  for (const auto& [key, count] : rule_events) {
    seen += "\n  " + key + ": " + std::to_string(count);
  }
  SCOPED_TRACE("rule events of the ticks:" + seen);
  // Missed deadlines, general hazards escalating to county (late) and on to city (never
  // fixed: listed at city by escalation), major hazards (listed) raising accountability.
  EXPECT_GT(rule_events["DeadlineMissed"], 10);
  EXPECT_GT(rule_events["HazardEscalated{institution -> county}"], 10);
  EXPECT_GT(rule_events["HazardEscalated{county -> city}"], 0);
  EXPECT_GT(rule_events["HazardListed{city, escalation}"], 0);
  EXPECT_GT(rule_events["HazardEscalated{city -> government}"], 0);
  EXPECT_GT(rule_events["AccountabilityRaised"], 0);
  EXPECT_GT(rule_events["VerificationOverdue"] + rule_events["ObligationMissed"], 0);
  auto verified = verify_chain(*store);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact()) << verified->problem;
}

TEST(Simulator, BadOptionsAreRefused) {
  auto refused = [](SimulationOptions options) {
    return !simulate_city(options, [](const nlohmann::ordered_json&) {}, nullptr).ok();
  };
  EXPECT_TRUE(refused({.seed = 1, .counties = 0}));
  EXPECT_TRUE(refused({.seed = 1, .counties = 5, .institutions = 2}));
  EXPECT_TRUE(refused({.seed = 1, .days = 0}));
  EXPECT_TRUE(refused({.seed = 1, .start = "June"}));
}

}  // namespace
}  // namespace redline
