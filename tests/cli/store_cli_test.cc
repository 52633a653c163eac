// Drives the real `redline` binary: init, events, history, audit verify, exit codes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "engine/event_store.h"
#include "tests/support/raw_rocksdb.h"
#include "tests/support/json_lines.h"
#include "tests/support/run_command.h"
#include "tests/support/sample_events.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

using testing::run_command;
using testing::shell_quote;

std::string redline(const std::string& args) {
  return shell_quote(testing::redline_binary()) + " " + args;
}

class StoreCli : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.sub("data");
    auto store = EventStore::open(StoreOptions{data_, false, true});
    ASSERT_TRUE(store.ok());
    auto all = testing::one_of_every_type();
    std::vector<NewEvent> hazard;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const std::string stream = i % 2 == 0 ? "hazard-H-1" : "institution-I-1";
      testing::append_committed(**store, {testing::new_event(stream, all[i])});
    }
    event_count_ = all.size();
  }
  std::string data_arg() const { return "--data " + shell_quote(data_); }

  testing::TempDir dir_;
  std::string data_;
  std::size_t event_count_ = 0;
};

TEST_F(StoreCli, InitIsIdempotent) {
  for (int i = 0; i < 2; ++i) {
    auto out = run_command(redline("init " + data_arg()));
    EXPECT_EQ(out.exit_code, 0) << out.err;
    EXPECT_NE(out.out.find("head position " + std::to_string(event_count_)), std::string::npos);
  }
}

TEST_F(StoreCli, EventsJsonlIsTheWholeLogWithSpecKeys) {
  auto out = run_command(redline(data_arg() + " events --format jsonl"));
  ASSERT_EQ(out.exit_code, 0) << out.err;
  auto lines = testing::parse_json_lines(out.out);
  ASSERT_EQ(lines.size(), event_count_);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["position"], i + 1);
    EXPECT_EQ(lines[i].size(), 14u);
    if (i > 0) {
      EXPECT_EQ(lines[i]["prev_hash"], lines[i - 1]["hash"]);
    }
  }
  EXPECT_EQ(lines[13]["type"], "HazardReported");
  EXPECT_EQ(lines[13]["data"]["description"], "消防通道堵塞，灭火器过期（三楼东侧）");
}

TEST_F(StoreCli, EventsFilters) {
  auto by_type = testing::parse_json_lines(
      run_command(redline("events --type HazardReported --format jsonl " + data_arg())).out);
  ASSERT_EQ(by_type.size(), 1u);
  EXPECT_EQ(by_type[0]["position"], 14);

  auto from = testing::parse_json_lines(run_command(redline("events --from 30 --format jsonl " + data_arg())).out);
  ASSERT_EQ(from.size(), event_count_ - 29);
  EXPECT_EQ(from[0]["position"], 30);

  auto stream = testing::parse_json_lines(
      run_command(redline("events --stream institution-I-1 --format jsonl " + data_arg())).out);
  ASSERT_EQ(stream.size(), event_count_ / 2);
  for (std::size_t i = 0; i < stream.size(); ++i) {
    EXPECT_EQ(stream[i]["stream"], "institution-I-1");
    EXPECT_EQ(stream[i]["version"], i + 1);
  }

  auto bad_type = run_command(redline("events --type Banana " + data_arg()));
  EXPECT_EQ(bad_type.exit_code, 2);
  EXPECT_NE(bad_type.err.find("Banana"), std::string::npos);
}

TEST_F(StoreCli, HistoryShowsOneStreamInOrder) {
  auto out = run_command(redline("history hazard-H-1 " + data_arg()));
  ASSERT_EQ(out.exit_code, 0) << out.err;
  std::istringstream lines(out.out);
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NE(line.find("hazard-H-1 v" + std::to_string(++count)), std::string::npos) << line;
  }
  EXPECT_EQ(count, (event_count_ + 1) / 2);
  auto missing = run_command(redline("history hazard-none " + data_arg()));
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("hazard-none has no events"), std::string::npos);
}

TEST_F(StoreCli, AuditVerifyPassesThenNamesATamperedPosition) {
  auto intact = run_command(redline("audit verify " + data_arg()));
  EXPECT_EQ(intact.exit_code, 0) << intact.out << intact.err;
  EXPECT_NE(intact.out.find("chain intact: " + std::to_string(event_count_) + " events"),
            std::string::npos);
  {
    testing::RawRocksDb raw(data_);
    std::string bytes = raw.get_log(9);
    bytes[60] = static_cast<char>(bytes[60] ^ 0x20);
    raw.put_log(9, bytes);
  }
  auto broken = run_command(redline("audit verify " + data_arg()));
  EXPECT_EQ(broken.exit_code, 3);
  EXPECT_NE(broken.out.find("chain broken at position 9"), std::string::npos) << broken.out;
}

TEST_F(StoreCli, GlobalOptionsWorkBeforeAndAfterTheSubcommand) {
  EXPECT_EQ(run_command(redline(data_arg() + " audit verify")).exit_code, 0);
  EXPECT_EQ(run_command(redline("audit verify " + data_arg())).exit_code, 0);
}

TEST_F(StoreCli, StoreInUseIsAClearError) {
  auto held = EventStore::open(StoreOptions{data_, false, false});
  ASSERT_TRUE(held.ok());
  auto out = run_command(redline("events " + data_arg()));
  EXPECT_EQ(out.exit_code, 4);
  EXPECT_NE(out.err.find("is in use by another process"), std::string::npos) << out.err;
}

TEST_F(StoreCli, MissingStoreAndBadConfigAreClearErrors) {
  auto missing = run_command(redline("events --data " + shell_quote(dir_.sub("nothing"))));
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("redline init"), std::string::npos) << missing.err;

  const std::string config = dir_.sub("bad.toml");
  std::ofstream(config) << "[store]\nsync = 3\n";
  auto bad = run_command(redline("events --config " + shell_quote(config) + " " + data_arg()));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("store.sync must be a boolean"), std::string::npos) << bad.err;

  auto usage = run_command(redline("events --from nope " + data_arg()));
  EXPECT_EQ(usage.exit_code, 2);
}

}  // namespace
}  // namespace redline
