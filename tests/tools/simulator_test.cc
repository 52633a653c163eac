// The city simulator: deterministic for a seed, every command of the spec in its stream,
// and every line accepted by the command processor on an empty store.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "engine/audit.h"
#include "engine/domain/handlers.h"
#include "tests/support/domain_harness.h"
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
