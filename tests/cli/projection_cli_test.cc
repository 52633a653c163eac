// The projection reads through the real binary: `status` and `supervision` JSON with the
// keys of SPEC §5/§7 and their filters, history options, `hazard --as-of`, `projection
// list|rebuild|run|add|show`, and usage errors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "tests/support/domain_harness.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

using nlohmann::json;
using testing::run_command;
using testing::shell_quote;

using testing::command;

// Positions: 1-2 the institutions; 3 H-1 reported; 4-7 H-1 classified major (4
// HazardClassified, then the rules' 5 DeadlineSet{plan}, 6 DeadlineSet{rectification} and 7
// HazardListed{city}); 8 H-2 reported (never classified); 9 H-3 reported; 10-11 H-3 classified
// general (+ DeadlineSet{rectification}); 12 H-3 listed at county level by XF's bureau.
class ProjectionCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const json city = {{"id", "city-1"}, {"role", "city_bureau"}};
    const json lt = {{"id", "lt-1"}, {"role", "county_bureau"}, {"county", "LT"}};
    const json xf = {{"id", "xf-1"}, {"role", "county_bureau"}, {"county", "XF"}};
    const json staff = {{"id", "staff-1"}, {"role", "institution_staff"}, {"institution_id", "I-1"}};
    std::vector<json> commands{
        command("RegisterInstitution", city,
            {{"institution_id", "I-1"}, {"name", "福利院"}, {"kind", "welfare_home"}, {"county", "LT"}},
            "2026-06-01T08:00:00Z"),
        command("RegisterInstitution", city,
            {{"institution_id", "I-2"}, {"name", "敬老院"}, {"kind", "elderly_care"}, {"county", "XF"}},
            "2026-06-01T08:00:00Z"),
        command("ReportHazard", staff,
            {{"hazard_id", "H-1"}, {"institution_id", "I-1"}, {"category", "gas"},
             {"description", "燃气泄漏"}, {"source", "self_inspection"}}, "2026-06-02T09:00:00Z"),
        command("ClassifyHazard", lt, {{"hazard_id", "H-1"}, {"severity", "major"}}, "2026-06-03T09:00:00Z"),
        command("ReportHazard", xf,
            {{"hazard_id", "H-2"}, {"institution_id", "I-2"}, {"category", "electrical"},
             {"description", "电线老化"}, {"source", "spot_check"}}, "2026-06-04T09:00:00Z"),
        command("ReportHazard", xf,
            {{"hazard_id", "H-3"}, {"institution_id", "I-2"}, {"category", "fire_safety"},
             {"description", "安全出口上锁"}, {"source", "spot_check"}}, "2026-06-05T09:00:00Z"),
        command("ClassifyHazard", xf, {{"hazard_id", "H-3"}, {"severity", "general"}}, "2026-06-05T10:00:00Z"),
        command("ListHazard", xf, {{"hazard_id", "H-3"}, {"level", "county"}, {"reason", "群众反映强烈"}},
            "2026-06-05T11:00:00Z")};
    std::string input;
    for (const auto& c : commands) input += c.dump() + "\n";
    auto out = run_command(redline("submit -"), input);
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
  }
  std::string redline(const std::string& args) {
    return testing::redline_command(dir_.sub("data"), args);
  }
  json json_of(const std::string& args) {
    auto out = run_command(redline(args));
    EXPECT_EQ(out.exit_code, 0) << args << "\n" << out.err;
    return json::parse(out.out);
  }
  std::string write_file(const std::string& name, const std::string& text) {
    const std::string path = dir_.sub(name);
    std::ofstream(path) << text;
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(ProjectionCli, StatusJsonHasTheSpecKeysSortedById) {
  json out = json_of("status --format json");
  EXPECT_EQ(out["position"], 12);
  ASSERT_EQ(out["hazards"].size(), 3u);
  std::vector<std::string> keys;  // in the order printed
  const auto ordered = nlohmann::ordered_json::parse(run_command(redline("status --format json")).out);
  for (const auto& [key, value] : ordered["hazards"][0].items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"hazard_id", "institution_id", "county", "category",
                                            "severity", "state", "escalation_level", "listed",
                                            "deadline", "overdue", "reopen_count", "updated_at"}));
  // H-1: major, listed at city level by the major-listing rule; its plan is due first.
  EXPECT_EQ(out["hazards"][0], json::parse(R"({"hazard_id": "H-1", "institution_id": "I-1",
    "county": "LT", "category": "gas", "severity": "major", "state": "classified",
    "escalation_level": "city", "listed": "city", "deadline": "2026-06-06T09:00:00Z",
    "overdue": false, "reopen_count": 0, "updated_at": "2026-06-03T09:00:00Z"})"));
  EXPECT_EQ(out["hazards"][1]["hazard_id"], "H-2");
  EXPECT_EQ(out["hazards"][1]["severity"], nullptr);
  EXPECT_EQ(out["hazards"][1]["listed"], nullptr);
  EXPECT_EQ(out["hazards"][1]["deadline"], nullptr);
  // H-3: general, listed at county level by its bureau; rectification due in 7 days.
  EXPECT_EQ(out["hazards"][2], json::parse(R"({"hazard_id": "H-3", "institution_id": "I-2",
    "county": "XF", "category": "fire_safety", "severity": "general", "state": "classified",
    "escalation_level": "county", "listed": "county", "deadline": "2026-06-12T10:00:00Z",
    "overdue": false, "reopen_count": 0, "updated_at": "2026-06-05T11:00:00Z"})"));
  EXPECT_EQ(json_of("status --format json --county XF")["hazards"].size(), 2u);
  EXPECT_EQ(json_of("status --format json --institution I-1")["hazards"].size(), 1u);
  EXPECT_EQ(json_of("status --format json --state classified")["hazards"].size(), 2u);
  EXPECT_EQ(json_of("status --format json --state reported")["hazards"].size(), 1u);
}

TEST_F(ProjectionCli, SupervisionListsOnlyListedHazards) {
  json out = json_of("supervision --format json");
  EXPECT_EQ(out["position"], 12);
  ASSERT_EQ(out["hazards"].size(), 2u);
  EXPECT_EQ(out["hazards"][0]["hazard_id"], "H-1");
  EXPECT_EQ(out["hazards"][0]["listed"], "city");
  EXPECT_EQ(out["hazards"][1]["hazard_id"], "H-3");
  EXPECT_EQ(out["hazards"][1]["listed"], "county");
  json xf = json_of("supervision --format json --county XF");
  ASSERT_EQ(xf["hazards"].size(), 1u);
  EXPECT_EQ(xf["hazards"][0]["hazard_id"], "H-3");
  json lt = json_of("supervision --format json --county LT");
  ASSERT_EQ(lt["hazards"].size(), 1u);
  EXPECT_EQ(lt["hazards"][0]["hazard_id"], "H-1");
  auto table = run_command(redline("supervision"));
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("H-1"), std::string::npos);
  EXPECT_NE(table.out.find("H-3"), std::string::npos);
  EXPECT_EQ(table.out.find("H-2"), std::string::npos);
  // H-1 is already listed higher than its county bureau may list it.
  auto refused = run_command(redline("submit -"),
      command("ListHazard", {{"id", "lt-1"}, {"role", "county_bureau"}, {"county", "LT"}},
              {{"hazard_id", "H-1"}, {"level", "county"}}, "2026-06-06T09:00:00Z").dump() + "\n");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.out.find("hazard H-1 is already listed at city level"), std::string::npos)
      << refused.out;
  EXPECT_EQ(json_of("supervision --format json")["position"], 12);
}

TEST_F(ProjectionCli, HistoryOptionsOnStatusSupervisionAndHazard) {
  json at3 = json_of("status --format json --position 3");
  EXPECT_EQ(at3["position"], 3);
  ASSERT_EQ(at3["hazards"].size(), 1u);
  EXPECT_EQ(at3["hazards"][0]["state"], "reported");
  // Between HazardClassified (4) and the rule's HazardListed (7) of the same commit.
  json at6 = json_of("status --format json --position 6");
  ASSERT_EQ(at6["hazards"].size(), 1u);
  EXPECT_EQ(at6["hazards"][0]["severity"], "major");
  EXPECT_EQ(at6["hazards"][0]["listed"], nullptr);
  EXPECT_EQ(at6["hazards"][0]["deadline"], "2026-06-06T09:00:00Z");
  EXPECT_EQ(json_of("status --format json --position 7")["hazards"][0]["listed"], "city");
  // The rule's events carry the command's time: listed as of the classification.
  json as_of = json_of("status --format json --as-of 2026-06-03T09:30:00Z");
  ASSERT_EQ(as_of["hazards"].size(), 1u);
  EXPECT_EQ(as_of["hazards"][0]["severity"], "major");
  EXPECT_EQ(as_of["hazards"][0]["listed"], "city");
  EXPECT_EQ(as_of["hazards"][0]["escalation_level"], "city");
  EXPECT_EQ(json_of("supervision --format json --as-of 2026-06-03T08:30:00Z")["hazards"].size(), 0u);
  EXPECT_EQ(json_of("supervision --format json --as-of 2026-06-03T09:30:00Z")["hazards"].size(), 1u);
  // H-3 classified but not yet listed by its county bureau.
  json before_listing = json_of("status --format json --as-of 2026-06-05T10:30:00Z");
  ASSERT_EQ(before_listing["hazards"].size(), 3u);
  EXPECT_EQ(before_listing["hazards"][2]["severity"], "general");
  EXPECT_EQ(before_listing["hazards"][2]["listed"], nullptr);
  EXPECT_EQ(before_listing["hazards"][2]["escalation_level"], "institution");
  EXPECT_EQ(json_of("supervision --format json --as-of 2026-06-05T10:30:00Z")["hazards"].size(), 1u);
  EXPECT_EQ(json_of("supervision --format json --as-of 2026-06-05T11:00:00Z")["hazards"].size(), 2u);
  EXPECT_EQ(json_of("status --format json --known-at 2000-01-01T00:00:00Z")["hazards"].size(), 0u);
  json hazard = json_of("hazard H-1 --format json --as-of 2026-06-02T12:00:00Z");
  EXPECT_EQ(hazard["hazard"]["state"], "reported");
  EXPECT_EQ(hazard["events"].size(), 1u);
  json trail = json_of("hazard H-1 --format json");
  ASSERT_EQ(trail["events"].size(), 5u);
  std::vector<std::string> types;
  for (const auto& e : trail["events"]) types.push_back(e["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"HazardReported", "HazardClassified", "DeadlineSet",
                                             "DeadlineSet", "HazardListed"}));
  const json& listing = trail["events"][4];
  EXPECT_EQ(listing["position"], 7);
  EXPECT_EQ(listing["rule"], "major-listing");
  EXPECT_EQ(listing["caused_by"], 4);
  EXPECT_EQ(listing["actor"]["role"], "system");
  EXPECT_EQ(listing["data"], json::parse(R"({"level": "city", "authority": "city_bureau",
    "reason": "major_hazard"})"));
  auto both = run_command(redline("status --position 3 --as-of 2026-06-03T09:30:00Z"));
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("at most one"), std::string::npos);
  auto bad_time = run_command(redline("status --as-of yesterday"));
  EXPECT_EQ(bad_time.exit_code, 2);
  EXPECT_NE(bad_time.err.find("--as-of 'yesterday'"), std::string::npos);
  auto past = run_command(redline("status --position 99"));
  EXPECT_EQ(past.exit_code, 1);
  EXPECT_NE(past.err.find("past the head"), std::string::npos);
}

TEST_F(ProjectionCli, ListRebuildAndShow) {
  json before = json_of("projection list --format json");
  ASSERT_EQ(before.size(), 4u);
  EXPECT_EQ(before[0]["name"], "hazard_status");
  EXPECT_EQ(before[0]["lag"], 12);  // nothing read yet: projections catch up on read
  json_of("status --format json");
  json after = json_of("projection list --format json");
  for (const auto& p : after) EXPECT_EQ(p["lag"], 0) << p.dump();
  auto rebuilt = run_command(redline("projection rebuild county_summary"));
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_NE(rebuilt.out.find("rebuilt county_summary to position 12"), std::string::npos) << rebuilt.out;
  EXPECT_NE(rebuilt.err.find("county_summary: 12 of 12 events (100%)"), std::string::npos) << rebuilt.err;
  json summary = json_of("projection show county_summary --format json");
  ASSERT_EQ(summary["rows"].size(), 2u);
  EXPECT_EQ(summary["rows"][0]["county"], "LT");
  EXPECT_EQ(summary["rows"][0]["by_severity"], json::parse(R"({"major": 1})"));
  EXPECT_EQ(summary["rows"][1]["county"], "XF");
  EXPECT_EQ(summary["rows"][1]["by_severity"], json::parse(R"({"general": 1, "unclassified": 1})"));
  json card = json_of("projection show institution_scorecard --format json");
  ASSERT_EQ(card["rows"].size(), 2u);
  EXPECT_EQ(card["rows"][0]["institution_id"], "I-1");
  EXPECT_EQ(card["rows"][0]["open"], 1);
  EXPECT_EQ(card["rows"][1]["institution_id"], "I-2");
  EXPECT_EQ(card["rows"][1]["open"], 2);
  auto unknown = run_command(redline("projection rebuild nothing"));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no projection named 'nothing'"), std::string::npos);
}

TEST_F(ProjectionCli, DeclarativeRunAddAndErrors) {
  const std::string file = write_file("by_county.toml", R"(name = "hazards_by_county"
events = ["HazardReported"]
group_by = ["data.county"]
measure = "count"
)");
  json run = json_of("projection run " + shell_quote(file) + " --format json");
  EXPECT_EQ(run, json::parse(R"({"name": "hazards_by_county", "position": 12, "rows": [
    {"key": {"data.county": "LT"}, "value": 1}, {"key": {"data.county": "XF"}, "value": 2}]})"));
  auto csv = run_command(redline("projection run " + shell_quote(file) + " --format csv"));
  EXPECT_EQ(csv.out, "data.county,value\nLT,1\nXF,2\n");
  auto added = run_command(redline("projection add " + shell_quote(file)));
  EXPECT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(json_of("projection show hazards_by_county --format json")["rows"], run["rows"]);
  bool listed = false;
  for (const auto& p : json_of("projection list --format json")) {
    if (p["name"] == "hazards_by_county") listed = p["kind"] == "declarative";
  }
  EXPECT_TRUE(listed);
  const std::string bad = write_file("bad.toml", "name = \"x\"\nevents = [\"HazardReported\"]\nmeasure = \"avg\"\n");
  auto rejected = run_command(redline("projection run " + shell_quote(bad)));
  EXPECT_EQ(rejected.exit_code, 1);
  EXPECT_NE(rejected.err.find("measure: 'avg' is not count, sum:PATH or distinct:PATH"), std::string::npos)
      << rejected.err;
}

}  // namespace
}  // namespace redline
