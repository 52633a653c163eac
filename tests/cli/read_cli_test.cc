// Reads through the real binary: `hazard ID`, and `--as` hiding an unannounced inspection
// from the inspected institution until it starts, and a reporter's contact from all but
// the bureaus and the operator.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "tests/support/domain_harness.h"
#include "tests/support/json_lines.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

using nlohmann::json;
using testing::run_command;

json cmd(const std::string& type, json actor, json fields) {
  return testing::command(type, std::move(actor), std::move(fields), "2026-06-03T09:00:00Z");
}

class ReadCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const json city = {{"id", "city-1"}, {"role", "city_bureau"}};
    const json county = {{"id", "lt-1"}, {"role", "county_bureau"}, {"county", "LT"}};
    submit({cmd("RegisterInstitution", city,
                {{"institution_id", "I-1"}, {"name", "福利院"}, {"kind", "welfare_home"}, {"county", "LT"}}),
            cmd("PlanInspection", county,
                {{"inspection_id", "INS-U"}, {"mode", "unannounced"}, {"county", "LT"},
                 {"agencies", {"消防"}}, {"institutions", {"I-1"}}, {"inspectors", {"insp-7"}}}),
            cmd("ReportByPublic", {{"id", "p-1"}, {"role", "public"}},
                {{"report_id", "R-1"}, {"channel", "email"}, {"institution_id", "I-1"},
                 {"description", "消防通道被占"}, {"media", json::array()}, {"contact", "13900000000"}}),
            cmd("ReportHazard", {{"id", "staff-1"}, {"role", "institution_staff"}, {"institution_id", "I-1"}},
                {{"hazard_id", "H-1"}, {"institution_id", "I-1"}, {"category", "gas"},
                 {"description", "燃气泄漏"}, {"source", "self_inspection"}})});
  }
  void submit(const std::vector<json>& commands) {
    std::string input;
    for (const auto& c : commands) input += c.dump() + "\n";
    auto out = run_command(redline("submit -"), input);
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
  }
  std::string redline(const std::string& args) {
    return testing::redline_command(dir_.sub("data"), args);
  }
  std::vector<json> events_as(const std::string& as) {
    auto out = run_command(redline("events --format jsonl" + (as.empty() ? "" : " --as " + as)));
    EXPECT_EQ(out.exit_code, 0) << out.err;
    return testing::parse_json_lines(out.out);
  }
  static int count_type(const std::vector<json>& events, const std::string& type) {
    int n = 0;
    for (const auto& e : events) n += e["type"] == type;
    return n;
  }
  static json contact_of(const std::vector<json>& events) {
    for (const auto& e : events) {
      if (e["type"] == "PublicReportReceived") return e["data"]["contact"];
    }
    return "missing";
  }

  testing::TempDir dir_;
};

TEST_F(ReadCli, UnannouncedInspectionIsHiddenFromTheInspectedInstitutionUntilItStarts) {
  EXPECT_EQ(count_type(events_as(""), "InspectionPlanned"), 1);
  EXPECT_EQ(count_type(events_as("county_bureau:LT"), "InspectionPlanned"), 1);
  EXPECT_EQ(count_type(events_as("institution_staff:I-1"), "InspectionPlanned"), 0);
  EXPECT_EQ(count_type(events_as("institution_staff:I-2"), "InspectionPlanned"), 1);
  auto history = run_command(redline("history inspection-INS-U --as institution_staff:I-1"));
  EXPECT_EQ(history.out, "");
  submit({cmd("StartInspection", {{"id", "insp-7"}, {"role", "inspector"}}, {{"inspection_id", "INS-U"}})});
  EXPECT_EQ(count_type(events_as("institution_staff:I-1"), "InspectionPlanned"), 1);
}

TEST_F(ReadCli, ReporterContactOnlyForBureausAndTheOperator) {
  EXPECT_EQ(contact_of(events_as("")), "13900000000");
  EXPECT_EQ(contact_of(events_as("county_bureau:LT")), "13900000000");
  EXPECT_EQ(contact_of(events_as("city_bureau")), "13900000000");
  EXPECT_TRUE(contact_of(events_as("institution_staff:I-1")).is_null());
  EXPECT_TRUE(contact_of(events_as("auditor")).is_null());
  EXPECT_TRUE(contact_of(events_as("public")).is_null());
  auto bad = run_command(redline("events --as mayor"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("'mayor' is not one of"), std::string::npos);
  EXPECT_EQ(run_command(redline("events --as institution_staff")).exit_code, 2);
}

TEST_F(ReadCli, HazardShowsItsStatusWithTheSpecKeysAndItsTrail) {
  auto out = run_command(redline("hazard H-1 --format json"));
  ASSERT_EQ(out.exit_code, 0) << out.err;
  const json hazard = json::parse(out.out);
  std::vector<std::string> keys;
  for (const auto& item : hazard["hazard"].items()) keys.push_back(item.key());
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"category", "county", "deadline", "escalation_level",
                                            "hazard_id", "institution_id", "listed", "overdue",
                                            "reopen_count", "severity", "state", "updated_at"}));
  EXPECT_EQ(hazard["hazard"]["state"], "reported");
  EXPECT_TRUE(hazard["hazard"]["severity"].is_null());
  EXPECT_EQ(hazard["events"].size(), 1u);
  EXPECT_EQ(hazard["events"][0]["data"]["description"], "燃气泄漏");
  auto missing = run_command(redline("hazard H-404"));
  EXPECT_EQ(missing.exit_code, 4);
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

TEST_F(ReadCli, StatusBoardJsonFiltersAndSummary) {
  submit({cmd("RegisterInstitution", {{"id", "city-1"}, {"role", "city_bureau"}},
              {{"institution_id", "I-9"}, {"name", "公墓"}, {"kind", "cemetery"}, {"county", "XF"}}),
          cmd("ReportHazard", {{"id", "city-1"}, {"role", "city_bureau"}},
              {{"hazard_id", "H-0"}, {"institution_id", "I-9"}, {"category", "building"},
               {"description", "围墙倾斜"}, {"source", "spot_check"}}),
          cmd("ClassifyHazard", {{"id", "city-1"}, {"role", "city_bureau"}},
              {{"hazard_id", "H-0"}, {"severity", "major"}})});
  auto all = run_command(redline("status --format json"));
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const json board = json::parse(all.out);
  // 5 I-9, 6 H-0 reported, 7 HazardClassified + the rules' 8 DeadlineSet{plan},
  // 9 DeadlineSet{rectification} and 10 HazardListed{city}.
  EXPECT_EQ(board["position"], 10);
  ASSERT_EQ(board["hazards"].size(), 2u);
  EXPECT_EQ(board["hazards"][0]["hazard_id"], "H-0");  // sorted by id
  EXPECT_EQ(board["hazards"][0]["state"], "classified");
  EXPECT_EQ(board["hazards"][0]["deadline"], "2026-06-06T09:00:00Z");  // major: plan due in 3 days
  EXPECT_EQ(board["hazards"][0]["listed"], "city");  // the major-listing rule
  EXPECT_EQ(board["hazards"][0]["escalation_level"], "city");
  EXPECT_EQ(board["hazards"][1]["hazard_id"], "H-1");
  EXPECT_EQ(board["hazards"][1]["listed"], nullptr);
  const json xf = json::parse(run_command(redline("status --format json --county XF")).out);
  ASSERT_EQ(xf["hazards"].size(), 1u);
  const json reported = json::parse(run_command(redline("status --format json --state reported")).out);
  ASSERT_EQ(reported["hazards"].size(), 1u);
  EXPECT_EQ(reported["hazards"][0]["hazard_id"], "H-1");
  auto summary = run_command(redline("status --summary"));
  EXPECT_NE(summary.out.find("LT      1         0"), std::string::npos) << summary.out;
  EXPECT_EQ(run_command(redline("status --state lost")).exit_code, 2);
}

}  // namespace
}  // namespace redline
