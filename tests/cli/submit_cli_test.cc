// `redline submit` through the real binary: one result line per input line, in order;
// exit codes; a bad line in the middle; duplicates; nothing written for rejected lines.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "tests/support/json_lines.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

using nlohmann::json;
using testing::run_command;
using testing::shell_quote;

std::string redline(const std::string& data, const std::string& args) {
  return testing::redline_command(data, args);
}

const char* kCity = R"({"id":"city-1","role":"city_bureau"})";

std::string institution_line(int i) {
  return std::string(R"({"type":"RegisterInstitution","actor":)") + kCity +
         R"(,"at":"2026-06-01T08:00:00Z","command_id":"inst-)" + std::to_string(i) +
         R"(","institution_id":"I-)" + std::to_string(i) +
         R"(","name":"养老院","kind":"elderly_care","county":"LT"})";
}

TEST(SubmitCli, OneResultPerLineInOrderAndABadLineStopsNothing) {
  testing::TempDir dir;
  std::string input;
  for (int i = 1; i <= 2500; ++i) {
    if (i == 1200) input += "{broken\n";
    if (i == 1700) input += "\n";
    input += institution_line(i) + "\n";
  }
  auto out = run_command(redline(dir.sub("data"), "submit -"), input);
  EXPECT_EQ(out.exit_code, 1) << out.err;
  auto results = testing::parse_json_lines(out.out);
  ASSERT_EQ(results.size(), 2502u);
  std::uint64_t position = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i]["line"], i + 1);
    if (i + 1 == 1200) {
      EXPECT_EQ(results[i]["error"]["code"], "invalid_json");
    } else if (i + 1 == 1701) {
      EXPECT_EQ(results[i]["error"]["code"], "invalid_json");
    } else {
      ASSERT_EQ(results[i]["ok"], true) << results[i].dump();
      EXPECT_EQ(results[i]["first_position"], ++position);
    }
  }
  auto verify = run_command(redline(dir.sub("data"), "audit verify"));
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_NE(verify.out.find("chain intact: 2500 events"), std::string::npos) << verify.out;
}

TEST(SubmitCli, AllAcceptedExitsZeroAndDuplicatesAppendNothing) {
  testing::TempDir dir;
  const std::string file = dir.sub("commands.jsonl");
  std::ofstream(file) << institution_line(1) << "\n" << institution_line(2) << "\n";
  auto first = run_command(redline(dir.sub("data"), "submit " + shell_quote(file)));
  EXPECT_EQ(first.exit_code, 0) << first.err;
  auto again = run_command(redline(dir.sub("data"), "submit " + shell_quote(file)));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  auto results = testing::parse_json_lines(again.out);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["duplicate"], true);
  EXPECT_EQ(results[1]["first_position"], 2);
  auto events = run_command(redline(dir.sub("data"), "events --format jsonl"));
  EXPECT_EQ(testing::parse_json_lines(events.out).size(), 2u);
  EXPECT_NE(events.out.find("养老院"), std::string::npos);
}

TEST(SubmitCli, MissingInputFileIsAUsageError) {
  testing::TempDir dir;
  auto out = run_command(redline(dir.sub("data"), "submit " + shell_quote(dir.sub("none.jsonl"))));
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.err.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

TEST(AuditDrawCli, ConfirmsADrawAndRefusesAnUnknownInspection) {
  testing::TempDir dir;
  std::string input;
  for (int i = 1; i <= 6; ++i) input += institution_line(i) + "\n";
  input += std::string(R"({"type":"PlanInspection","actor":)") + kCity +
           R"(,"inspection_id":"INS-D","mode":"spot_check","county":"LT","agencies":["消防"],)"
           R"("draw":{"count":3,"seed":12345},"inspectors":["insp-1"]})" + "\n";
  ASSERT_EQ(run_command(redline(dir.sub("data"), "submit -"), input).exit_code, 0);
  auto out = run_command(redline(dir.sub("data"), "audit draw INS-D"));
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_NE(out.out.find("draw matches"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("from 6 candidates"), std::string::npos) << out.out;
  auto missing = run_command(redline(dir.sub("data"), "audit draw INS-404"));
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("never planned"), std::string::npos);
}

}  // namespace
}  // namespace redline
