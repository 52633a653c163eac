// Drives the real `redline` binary: tick, alerts (also followed beside a writing process),
// rules simulate, and replaying under another configuration.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine/rules/due_items.h"
#include "engine/store_layout.h"
#include "events/time.h"
#include "tests/support/domain_harness.h"
#include "tests/support/raw_rocksdb.h"
#include "tests/support/json_lines.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

using testing::command;
using testing::json;
using testing::parse_json_lines;
using testing::run_command;
using testing::shell_quote;

// Units, institutions I-1 (LT) and I-9 (XF), a public report with a contact, and hazards:
// H-1 general at I-1 (deadline 2026-06-09T10:00Z), H-2 major at I-9 (listed at city).
std::string scenario() {
  std::vector<json> lines = {
      command("RegisterUnit", testing::city(),
              {{"unit_id", "U-LT"}, {"name", "临桂区民政局"}, {"kind", "county_bureau"}, {"county", "LT"}},
              "2026-06-01T08:00:00Z"),
      command("RegisterInstitution", testing::city(),
              {{"institution_id", "I-1"}, {"name", "临桂区第一养老院"}, {"kind", "elderly_care"}, {"county", "LT"}},
              "2026-06-01T08:00:00Z"),
      command("RegisterInstitution", testing::city(),
              {{"institution_id", "I-9"}, {"name", "秀峰区福利院"}, {"kind", "welfare_home"}, {"county", "XF"}},
              "2026-06-01T08:00:00Z"),
      command("ReportByPublic", testing::public_actor(),
              {{"report_id", "R-1"}, {"channel", "wechat"}, {"institution_id", "I-1"},
               {"description", "消防通道堵塞"}, {"media", json::array()}, {"contact", "13912345678"}},
              "2026-06-02T08:00:00Z"),
      command("TriagePublicReport", testing::county(),
              {{"report_id", "R-1"}, {"decision", "accept"}, {"hazard_id", "H-1"}, {"category", "fire_safety"}},
              "2026-06-02T09:00:00Z"),
      command("ClassifyHazard", testing::county(), {{"hazard_id", "H-1"}, {"severity", "general"}},
              "2026-06-02T10:00:00Z"),
      command("ReportHazard", testing::staff("I-9", "staff-9"),
              {{"hazard_id", "H-2"}, {"institution_id", "I-9"}, {"category", "gas"},
               {"description", "燃气管老化"}, {"source", "self_inspection"}},
              "2026-06-02T09:00:00Z"),
      command("ClassifyHazard", testing::city(), {{"hazard_id", "H-2"}, {"severity", "major"}},
              "2026-06-02T11:00:00Z"),
  };
  std::string text;
  for (const auto& line : lines) text += line.dump() + "\n";
  return text;
}

class RulesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.sub("data");
    auto out = redline("submit -", scenario());
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
  }
  testing::CommandOutput redline(const std::string& args, const std::string& input = "") {
    return run_command(testing::redline_command(data_, args), input);
  }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_.sub(name);
    std::ofstream(path) << text;
    return path;
  }

  testing::TempDir dir_;
  std::string data_;
};

TEST_F(RulesCli, TickPrintsTheEventsItAppendsOnce) {
  auto ticked = redline("tick --now 2026-06-09T10:00:00Z --format jsonl");
  ASSERT_EQ(ticked.exit_code, 0) << ticked.err;
  auto events = parse_json_lines(ticked.out);
  // H-2's plan deadline (06-05) and H-1's deadline (06-09), in due order.
  std::vector<std::string> seen;
  for (const auto& e : events) {
    seen.push_back(e["stream"].get<std::string>() + " " + e["type"].get<std::string>());
    EXPECT_EQ(e["actor"], json({{"id", "rules"}, {"role", "system"}}));
    EXPECT_TRUE(e["caused_by"].is_number()) << e.dump();
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"hazard-H-2 DeadlineMissed", "hazard-H-2 HazardEscalated",
                                            "hazard-H-2 AccountabilityRaised", "hazard-H-1 DeadlineMissed",
                                            "hazard-H-1 HazardEscalated"}));
  EXPECT_EQ(events[0]["rule"], "deadline-missed");
  EXPECT_EQ(events[0]["occurred_at"], "2026-06-05T11:00:00Z");

  auto again = redline("tick --now 2026-06-09T10:00:00Z --format jsonl");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.out, "");
  EXPECT_NE(again.err.find("already ticked to 2026-06-09T10:00:00Z"), std::string::npos);
  auto human = redline("tick --now 2026-06-10T00:00:00Z");
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_NE(human.out.find("ticked to 2026-06-10T00:00:00Z: 0 due item(s), 0 event(s) appended"),
            std::string::npos) << human.out;
  EXPECT_EQ(redline("tick --now yesterday").exit_code, 2);
  EXPECT_EQ(redline("tick").exit_code, 2);
}

TEST_F(RulesCli, AlertsHaveTheSpecShapeAndNeverAContact) {
  ASSERT_EQ(redline("tick --now 2026-06-20T00:00:00Z").exit_code, 0);
  auto out = redline("alerts --format jsonl");
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(out.out.find("13912345678"), std::string::npos);
  auto alerts = parse_json_lines(out.out);
  ASSERT_FALSE(alerts.empty());
  std::vector<std::string> keys;
  const auto first = nlohmann::ordered_json::parse(out.out.substr(0, out.out.find('\n')));
  for (const auto& [key, value] : first.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"position", "type", "county", "institution_id", "hazard_id",
                                            "level", "occurred_at", "message", "data"}));
  // The first alert is H-2's listing at city on classification.
  EXPECT_EQ(alerts[0]["type"], "HazardListed");
  EXPECT_EQ(alerts[0]["county"], "XF");
  EXPECT_EQ(alerts[0]["institution_id"], "I-9");
  EXPECT_EQ(alerts[0]["hazard_id"], "H-2");
  EXPECT_EQ(alerts[0]["level"], "city");
  EXPECT_EQ(alerts[0]["occurred_at"], "2026-06-02T11:00:00Z");
  EXPECT_EQ(alerts[0]["message"],
            "Hazard H-2 at I-9 (XF) is listed for supervision at city level (major_hazard).");
  EXPECT_EQ(alerts[0]["data"], json({{"level", "city"}, {"authority", "city_bureau"}, {"reason", "major_hazard"}}));

  auto lt = parse_json_lines(redline("alerts --county LT --format jsonl").out);
  ASSERT_FALSE(lt.empty());
  for (const auto& alert : lt) EXPECT_EQ(alert["county"], "LT");
  const std::uint64_t last = alerts.back()["position"].get<std::uint64_t>();
  auto from = parse_json_lines(redline("alerts --format jsonl --from " + std::to_string(last)).out);
  ASSERT_EQ(from.size(), 1u);
  EXPECT_EQ(from[0], alerts.back());

  auto table = redline("alerts");
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("HazardListed"), std::string::npos);
  EXPECT_EQ(redline("alerts --format xml").exit_code, 2);
}

TEST_F(RulesCli, FollowingAlertsBesideAWritingProcess) {
  const std::string followed = dir_.sub("followed.jsonl");
  // The follower runs for at most 20 s; the test stops it as soon as it saw the new alert.
  const std::string follow = "timeout 20 " + testing::redline_command(data_, "alerts --follow --poll 0.05 --format jsonl") +
                             " > " + shell_quote(followed) + " 2>&1 & echo $!";
  auto started = run_command(follow);
  const std::string pid = started.out.substr(0, started.out.find('\n'));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  // A second process writes while the follower reads.
  json report = command("ReportHazard", testing::staff("I-1"),
                        {{"hazard_id", "H-3"}, {"institution_id", "I-1"}, {"category", "electrical"},
                         {"description", "线路老化"}, {"source", "self_inspection"}},
                        "2026-06-03T09:00:00Z");
  json classify = command("ClassifyHazard", testing::county(), {{"hazard_id", "H-3"}, {"severity", "major"}},
                          "2026-06-03T10:00:00Z");
  auto written = redline("submit -", report.dump() + "\n" + classify.dump() + "\n");
  ASSERT_EQ(written.exit_code, 0) << written.out << written.err;

  const std::string text = testing::wait_for_text(followed, "\"hazard_id\":\"H-3\"", 10'000);
  run_command("kill " + pid);
  ASSERT_EQ(text.find("redline:"), std::string::npos) << text;
  auto alerts = parse_json_lines(text);
  ASSERT_EQ(alerts.size(), 2u) << text;
  EXPECT_EQ(alerts[0]["hazard_id"], "H-2");  // what was there when it started
  EXPECT_EQ(alerts[1]["hazard_id"], "H-3");  // what the other process committed
  EXPECT_EQ(alerts[1]["type"], "HazardListed");
}

TEST_F(RulesCli, RulesSimulateComparesWithoutTouchingTheStore) {
  const std::string before = redline("events --format jsonl").out;
  const std::string other = write("other.toml", "[rules]\ngeneral_rectification_days = 3\nescalation_interval_days = 1\n");
  auto out = redline("rules simulate --config " + shell_quote(other) + " --until 2026-06-08T00:00:00Z --format json");
  ASSERT_EQ(out.exit_code, 0) << out.err;
  auto result = json::parse(out.out);
  EXPECT_EQ(result["ticked_to"], "2026-06-08T00:00:00Z");
  EXPECT_EQ(result["differences"], json::array({"general_rectification_days 7 → 3", "escalation_interval_days 7 → 1"}));
  // Today: only H-2's plan deadline (06-05) is missed by 06-08. With 3 days, H-1's
  // deadline (06-05T10:00) is missed too and climbs a step a day: county, city, government.
  json lt, xf;
  for (const auto& row : result["counties"]) (row["county"] == "LT" ? lt : xf) = row;
  EXPECT_EQ(lt["today"], json({{"deadlines_missed", 0}, {"escalations", 0}, {"listings", 0},
                               {"accountability", 0}, {"obligations_missed", 0}}));
  EXPECT_EQ(lt["other"], json({{"deadlines_missed", 1}, {"escalations", 3}, {"listings", 1},
                               {"accountability", 1}, {"obligations_missed", 0}}));
  EXPECT_EQ(xf["today"], json({{"deadlines_missed", 1}, {"escalations", 1}, {"listings", 1},
                               {"accountability", 1}, {"obligations_missed", 0}}));
  EXPECT_EQ(xf["today"], xf["other"]);
  EXPECT_EQ(redline("events --format jsonl").out, before);

  auto table = redline("rules simulate --config " + shell_quote(other));
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("general_rectification_days 7 → 3"), std::string::npos) << table.out;
  EXPECT_EQ(redline("rules simulate --config " + shell_quote(dir_.sub("missing.toml"))).exit_code, 2);
}

TEST_F(RulesCli, ReplayingUnderAnotherConfigurationGivesTheSameState) {
  ASSERT_EQ(redline("tick --now 2026-06-20T00:00:00Z").exit_code, 0);
  const std::string status = redline("status --format json").out;
  const std::string other = write("other.toml", "[rules]\ngeneral_rectification_days = 2\nmajor_rectification_days = 10\n");
  const std::string with_other = "--config " + shell_quote(other) + " ";
  ASSERT_EQ(redline(with_other + "projection rebuild hazard_status").exit_code, 0);
  EXPECT_EQ(redline(with_other + "status --format json").out, status);
  EXPECT_EQ(redline(with_other + "hazard H-1 --format json").out, redline("hazard H-1 --format json").out);
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

// `audit deadlines` passes on a store the commands and ticks built, and names what a
// tampered index lacks or holds too much.
TEST_F(RulesCli, AuditDeadlinesNamesWhatTheIndexLacksOrHoldsTooMuch) {
  ASSERT_EQ(redline("tick --now 2026-06-09T10:00:00Z").exit_code, 0);
  auto intact = redline("audit deadlines");
  ASSERT_EQ(intact.exit_code, 0) << intact.out << intact.err;
  EXPECT_NE(intact.out.find("deadline index matches the log"), std::string::npos) << intact.out;
  std::string first_key, first_value;
  {
    testing::RawRocksDb raw(data_);
    ASSERT_TRUE(raw.ok());
    std::unique_ptr<rocksdb::Iterator> it(raw.db()->NewIterator(rocksdb::ReadOptions(),
                                                                raw.family(layout::kDeadlinesFamily)));
    it->SeekToFirst();
    ASSERT_TRUE(it->Valid()) << "the scenario leaves something due";
    first_key = it->key().ToString();
    first_value = it->value().ToString();
    raw.db()->Delete(rocksdb::WriteOptions(), raw.family(layout::kDeadlinesFamily), first_key);
  }
  auto missing = redline("audit deadlines");
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.out.find("differs from the log in 1 item"), std::string::npos) << missing.out;
  EXPECT_NE(missing.out.find("missing: "), std::string::npos) << missing.out;
  {
    testing::RawRocksDb raw(data_);
    raw.db()->Put(rocksdb::WriteOptions(), raw.family(layout::kDeadlinesFamily), first_key, first_value);
    DueItem bogus{parse_instant("2030-01-01T00:00:00Z").value(), DueKind::deadline_missed, "H-NOBODY", Position(1)};
    raw.db()->Put(rocksdb::WriteOptions(), raw.family(layout::kDeadlinesFamily), due_key(bogus), due_value(bogus));
  }
  auto unexpected = redline("audit deadlines");
  EXPECT_EQ(unexpected.exit_code, 3);
  EXPECT_NE(unexpected.out.find("unexpected: deadline_missed of H-NOBODY due 2030-01-01T00:00:00Z"),
            std::string::npos)
      << unexpected.out;
}

}  // namespace
}  // namespace redline
