// The record kept under a command_id (engine/domain/command_record.h): what a repeated
// command gets back, from the compact record and from the JSON lines earlier versions stored.
#include "engine/domain/command_record.h"

#include <gtest/gtest.h>

#include "tests/support/domain_harness.h"

namespace redline {
namespace {

using testing::command;
using testing::json;
using testing::staff;

StagedAppend sample_append() {
  return StagedAppend{Position(41), Position(42), "hazard-H-7", StreamVersion(3),
                      {"HazardClassified", "DeadlineSet"}};
}

TEST(CommandRecord, RoundTripsAnAppend) {
  const std::string bytes = encode_command_record(sample_append());
  EXPECT_FALSE(is_json_command_record(bytes));
  auto decoded = decode_command_record(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->stream, "hazard-H-7");
  EXPECT_EQ(decoded->version, StreamVersion(3));
  EXPECT_EQ(decoded->first_position, Position(41));
  EXPECT_EQ(decoded->last_position, Position(42));
  EXPECT_EQ(decoded->types, (std::vector<std::string>{"HazardClassified", "DeadlineSet"}));
}

TEST(CommandRecord, DamagedBytesAreCorruptionNotACrash) {
  const std::string bytes = encode_command_record(sample_append());
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    auto decoded = decode_command_record(bytes.substr(0, cut));
    ASSERT_FALSE(decoded.ok()) << "cut at " << cut;
    EXPECT_EQ(decoded.status().code(), ErrorCode::corruption);
  }
  auto trailing = decode_command_record(bytes + "x");
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.status().message().find("after its end"), std::string::npos);
  StagedAppend empty = sample_append();
  empty.types.clear();
  EXPECT_FALSE(decode_command_record(encode_command_record(empty)).ok());
  EXPECT_TRUE(is_json_command_record(R"({"ok":true})"));
}

class RepeatedCommand : public ::testing::Test {
 protected:
  void SetUp() override { h.city_with_institutions(); }

  json report(const std::string& command_id) {
    json c = command("ReportHazard", staff("I-1"),
                     {{"hazard_id", "H-1"}, {"institution_id", "I-1"}, {"category", "electrical"},
                      {"description", "电线裸露"}, {"source", "self_inspection"}});
    c["command_id"] = command_id;
    return c;
  }

  // Stores `record` under `command_id` as an earlier version (or a damaged disk) left it.
  void store_record(const std::string& command_id, const std::string& record) {
    auto txn = h.store().begin_transaction();
    txn.remember_command(command_id, record);
    ASSERT_TRUE(txn.commit().ok());
  }

  testing::DomainHarness h;
};

TEST_F(RepeatedCommand, GetsTheFirstLineUnderItsOwnLineNumber) {
  json first = h.ok(report("cmd-1"));
  json again = h.ok(report("cmd-1"));
  json expected = first;
  expected["line"] = again["line"];
  expected["duplicate"] = true;
  EXPECT_EQ(again, expected);
  // The line itself, as printed: the first result's keys in their order, "duplicate" last.
  auto txn = h.store().begin_transaction();
  const CommandOutcome line = h.processor().handle(txn, report("cmd-1").dump(), 99);
  EXPECT_EQ(line.json, R"({"ok":true,"line":99,"command_id":"cmd-1","stream":"hazard-H-1",)"
                       R"("version":1,"first_position":6,"last_position":6,)"
                       R"("events":["HazardReported"],"duplicate":true})");
}

TEST_F(RepeatedCommand, RecordsOfEarlierVersionsAreStillRead) {
  store_record("old-1", R"({"ok":true,"line":7,"command_id":"old-1","stream":"hazard-H-0",)"
                        R"("version":1,"first_position":3,"last_position":3,"events":["HazardReported"]})");
  const Position head = h.store().head().position;
  json again = h.ok(report("old-1"));
  EXPECT_EQ(again["line"], 6);  // five lines of setup before it
  EXPECT_EQ(again["stream"], "hazard-H-0");
  EXPECT_EQ(again["first_position"], 3);
  EXPECT_EQ(again["duplicate"], true);
  EXPECT_EQ(h.store().head().position, head);
}

TEST_F(RepeatedCommand, ADamagedRecordIsAStorageErrorNamingTheCommand) {
  store_record("bad-1", std::string("\x01\x05", 2));
  const Position head = h.store().head().position;
  json result = h.run(report("bad-1"));
  EXPECT_EQ(result["ok"], false);
  EXPECT_EQ(result["error"]["code"], "storage_error");
  EXPECT_NE(result["error"]["message"].get<std::string>().find("command_id bad-1 is unreadable"),
            std::string::npos)
      << result.dump();
  EXPECT_EQ(h.store().head().position, head);
}

TEST_F(RepeatedCommand, TheRecordIsAFractionOfTheResultLine) {
  json first = h.ok(report("cmd-with-a-realistic-length-0001"));
  auto stored = h.store().command_result("cmd-with-a-realistic-length-0001");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_LT((*stored)->size() * 2, first.dump().size()) << first.dump();
}

}  // namespace
}  // namespace redline
