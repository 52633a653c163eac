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

class ProjectionCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const json city = {{"id", "city-1"}, {"role", "city_bureau"}};
    const json lt = {{"id", "lt-1"}, {"role", "county_bureau"}, {"county", "LT"}};
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
        command("ListHazard", lt, {{"hazard_id", "H-1"}, {"level", "county"}, {"reason", "重大"}},
            "2026-06-03T10:00:00Z"),
        command("ReportHazard", {{"id", "xf-1"}, {"role", "county_bureau"}, {"county", "XF"}},
            {{"hazard_id", "H-2"}, {"institution_id", "I-2"}, {"category", "electrical"},
             {"description", "电线老化"}, {"source", "spot_check"}}, "2026-06-04T09:00:00Z")};
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
  EXPECT_EQ(out["position"], 6);
  ASSERT_EQ(out["hazards"].size(), 2u);
  std::vector<std::string> keys;  // in the order printed
  const auto ordered = nlohmann::ordered_json::parse(run_command(redline("status --format json")).out);
  for (const auto& [key, value] : ordered["hazards"][0].items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"hazard_id", "institution_id", "county", "category",
                                            "severity", "state", "escalation_level", "listed",
                                            "deadline", "overdue", "reopen_count", "updated_at"}));
  EXPECT_EQ(out["hazards"][0]["hazard_id"], "H-1");
  EXPECT_EQ(out["hazards"][0]["listed"], "county");
  EXPECT_EQ(out["hazards"][1]["hazard_id"], "H-2");
  EXPECT_EQ(out["hazards"][1]["severity"], nullptr);
  EXPECT_EQ(json_of("status --format json --county XF")["hazards"].size(), 1u);
  EXPECT_EQ(json_of("status --format json --institution I-1")["hazards"].size(), 1u);
  EXPECT_EQ(json_of("status --format json --state classified")["hazards"].size(), 1u);
}

TEST_F(ProjectionCli, SupervisionListsOnlyListedHazards) {
  json out = json_of("supervision --format json");
  ASSERT_EQ(out["hazards"].size(), 1u);
  EXPECT_EQ(out["hazards"][0]["hazard_id"], "H-1");
  EXPECT_EQ(json_of("supervision --format json --county XF")["hazards"].size(), 0u);
  auto table = run_command(redline("supervision"));
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("H-1"), std::string::npos);
}

TEST_F(ProjectionCli, HistoryOptionsOnStatusSupervisionAndHazard) {
  json at3 = json_of("status --format json --position 3");
  EXPECT_EQ(at3["position"], 3);
  ASSERT_EQ(at3["hazards"].size(), 1u);
  EXPECT_EQ(at3["hazards"][0]["state"], "reported");
  json as_of = json_of("status --format json --as-of 2026-06-03T09:30:00Z");
  ASSERT_EQ(as_of["hazards"].size(), 1u);
  EXPECT_EQ(as_of["hazards"][0]["severity"], "major");
  EXPECT_EQ(as_of["hazards"][0]["listed"], nullptr);
  EXPECT_EQ(json_of("supervision --format json --as-of 2026-06-03T09:30:00Z")["hazards"].size(), 0u);
  EXPECT_EQ(json_of("status --format json --known-at 2000-01-01T00:00:00Z")["hazards"].size(), 0u);
  json hazard = json_of("hazard H-1 --format json --as-of 2026-06-02T12:00:00Z");
  EXPECT_EQ(hazard["hazard"]["state"], "reported");
  EXPECT_EQ(hazard["events"].size(), 1u);
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
  EXPECT_EQ(before[0]["lag"], 6);  // nothing read yet: projections catch up on read
  json_of("status --format json");
  json after = json_of("projection list --format json");
  for (const auto& p : after) EXPECT_EQ(p["lag"], 0) << p.dump();
  auto rebuilt = run_command(redline("projection rebuild county_summary"));
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_NE(rebuilt.out.find("rebuilt county_summary to position 6"), std::string::npos);
  EXPECT_NE(rebuilt.err.find("county_summary: 6 of 6 events (100%)"), std::string::npos) << rebuilt.err;
  json summary = json_of("projection show county_summary --format json");
  ASSERT_EQ(summary["rows"].size(), 2u);
  EXPECT_EQ(summary["rows"][0]["county"], "LT");
  EXPECT_EQ(summary["rows"][0]["by_severity"]["major"], 1);
  json card = json_of("projection show institution_scorecard --format json");
  EXPECT_EQ(card["rows"][0]["institution_id"], "I-1");
  EXPECT_EQ(card["rows"][0]["open"], 1);
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
  EXPECT_EQ(run, json::parse(R"({"name": "hazards_by_county", "position": 6, "rows": [
    {"key": {"data.county": "LT"}, "value": 1}, {"key": {"data.county": "XF"}, "value": 1}]})"));
  auto csv = run_command(redline("projection run " + shell_quote(file) + " --format csv"));
  EXPECT_EQ(csv.out, "data.county,value\nLT,1\nXF,1\n");
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
