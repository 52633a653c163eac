// Crash consistency: `redline submit` (sync on) and `redline tick` killed with SIGKILL at
// many random points, each kill followed by every check an auditor would make: every command
// whose result line was printed is in the log under its position; positions are gap-free and
// the chain verifies (`audit verify`); the deadline index equals what the log implies
// (`audit deadlines`); the projections equal a rebuild; and the next run carries on. At the
// end the store equals one built by the same commands without a crash. The kill points come
// from a seeded generator, so a failure can be run again.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/event_store.h"
#include "tests/support/background_process.h"
#include "tests/support/json_lines.h"
#include "tests/support/kafka_env.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

using nlohmann::json;
using testing::BackgroundProcess;
using testing::run_command;
using testing::shell_quote;

// 52 kill points by default; `make soak` asks for more through REDLINE_KILLS.
int total_kills() {
  const char* asked = std::getenv("REDLINE_KILLS");
  return asked != nullptr && std::atoi(asked) > 0 ? std::atoi(asked) : 52;
}
const int kSubmitKills = total_kills() * 10 / 13;
const int kTickKills = total_kills() - kSubmitKills;

class CrashConsistency : public ::testing::Test {
 protected:
  void SetUp() override {
    commands_ = dir_.sub("commands.jsonl");
    ASSERT_EQ(run_command(shell_quote(testing::redline_binary()) +
                          " simulate --seed 9 --counties 6 --institutions 300 --days 45 > " + shell_quote(commands_))
                  .exit_code,
              0);
    std::ifstream in(commands_);
    for (std::string line; std::getline(in, line);) lines_.push_back(line);
  }
  static testing::CommandOutput redline(const std::string& data, const std::string& args,
                                        const std::string& input = "") {
    return run_command(testing::redline_command(data, args), input);
  }
  // The commands from `first` on, as a file.
  std::string tail_file(std::size_t first) {
    const std::string path = dir_.sub("tail.jsonl");
    std::ofstream out(path);
    for (std::size_t i = first; i < lines_.size(); ++i) out << lines_[i] << "\n";
    return path;
  }
  // Every check after a kill; `label` names the kill in failures.
  void check_store(const std::string& data, const std::string& label) {
    auto verified = redline(data, "audit verify");
    EXPECT_EQ(verified.exit_code, 0) << label << ": " << verified.out << verified.err;
    auto deadlines = redline(data, "audit deadlines");
    EXPECT_EQ(deadlines.exit_code, 0) << label << ": " << deadlines.out << deadlines.err;
    // The projections as the reads caught them up, then as a rebuild folds them again.
    const std::string status = redline(data, "status --format json").out;
    const std::string supervision = redline(data, "supervision --format json").out;
    ASSERT_EQ(redline(data, "projection rebuild hazard_status").exit_code, 0) << label;
    ASSERT_EQ(redline(data, "projection rebuild supervision_board").exit_code, 0) << label;
    EXPECT_EQ(redline(data, "status --format json").out, status) << label;
    EXPECT_EQ(redline(data, "supervision --format json").out, supervision) << label;
  }
  // The positions of the result lines printed before the kill are in the log, each under its
  // command id. Returns how many complete result lines there were.
  std::size_t check_printed(const std::string& data, const std::string& printed, std::size_t first,
                            const std::string& label) {
    StoreOptions options;
    options.path = data;
    options.create_if_missing = false;
    options.follower = true;
    auto store = EventStore::open(options);
    EXPECT_TRUE(store.ok()) << label << ": " << store.status().message();
    if (!store.ok()) return 0;
    std::size_t complete = 0;
    std::size_t at = 0;
    while (true) {
      const auto end = printed.find('\n', at);
      if (end == std::string::npos) break;  // a line cut by the kill
      const json result = json::parse(printed.substr(at, end - at));
      at = end + 1;
      ++complete;
      EXPECT_EQ(result["line"], complete) << label;
      EXPECT_EQ(result["command_id"], json::parse(lines_[first + complete - 1])["command_id"]) << label;
      if (!result.value("ok", false) || result.value("duplicate", false)) continue;
      for (std::uint64_t p = result["first_position"]; p <= result["last_position"].get<std::uint64_t>(); ++p) {
        auto event = (*store)->read(Position(p));
        EXPECT_TRUE(event.ok()) << label << ": position " << p << " of a printed result is not in the log";
        // The command's own events carry its id; the reactive rules' events after them, their rule.
        if (event.ok() && !event->rule) {
          EXPECT_EQ(event->command_id, result["command_id"].get<std::string>()) << label << ", position " << p;
        }
      }
    }
    return complete;
  }

  testing::TempDir dir_;
  std::string commands_;
  std::vector<std::string> lines_;
};

// Runs `command` and SIGKILLs it after `delay_ms`; 1 when the kill interrupted it (0 when it
// had finished), with what it printed in *printed.
int kill_after(const std::string& command, const std::string& files, int delay_ms, std::string* printed) {
  BackgroundProcess process(command, files);
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  process.signal(SIGKILL);
  const auto code = process.wait(30'000);
  EXPECT_TRUE(code.has_value()) << command << " did not end after SIGKILL";
  if (printed != nullptr) *printed = process.out();
  return code == 128 + SIGKILL ? 1 : 0;
}

// Seconds a command takes without a kill, for choosing kill points inside it.
double timed(const std::function<void()>& run) {
  const auto start = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST_F(CrashConsistency, SubmitAndTickKilledAtRandomPointsLoseNothingAcknowledged) {
  // The reference: the same commands and tick, never interrupted.
  const std::string reference = dir_.sub("reference");
  const double submit_seconds = timed([&] {
    ASSERT_EQ(redline(reference, "submit " + shell_quote(commands_)).exit_code, 0);
  });
  const double tick_seconds = timed([&] {
    ASSERT_EQ(redline(reference, "tick --now 2026-09-30T00:00:00Z").exit_code, 0);
  });

  const std::string data = dir_.sub("data");
  std::mt19937 random(20261130);
  std::size_t next = 0;  // the first command no printed result covers yet
  int kills = 0;
  for (int round = 0; round < kSubmitKills; ++round) {
    const double remaining = static_cast<double>(lines_.size() - next) / static_cast<double>(lines_.size());
    // Within the run's expected length (the reference's, start-up included, scaled to what is
    // left), not beyond it: a window past its end mostly kills a process that has finished.
    const int window_ms = std::max(5, static_cast<int>(submit_seconds * remaining * 1000));
    const int delay_ms = std::uniform_int_distribution<int>(0, window_ms)(random);
    const std::string label = "submit kill " + std::to_string(round) + " after " + std::to_string(delay_ms) + " ms";
    std::string printed;
    kills += kill_after(testing::redline_command(data, "submit " + shell_quote(tail_file(next))),
                        dir_.sub("submit" + std::to_string(round)), delay_ms, &printed);
    next += check_printed(data, printed, next, label);
    if (std::filesystem::exists(data)) check_store(data, label);
    if (HasFatalFailure()) return;
  }
  // What is left, without a kill: every command accepted (those already in as duplicates).
  auto finished = redline(data, "submit " + shell_quote(tail_file(next)));
  ASSERT_EQ(finished.exit_code, 0) << finished.err;

  for (int round = 0; round < kTickKills; ++round) {
    const int delay_ms = std::uniform_int_distribution<int>(0, std::max(5, static_cast<int>(tick_seconds * 1000)))(random);
    const std::string label = "tick kill " + std::to_string(round) + " after " + std::to_string(delay_ms) + " ms";
    kills += kill_after(testing::redline_command(data, "tick --now 2026-09-30T00:00:00Z"),
                        dir_.sub("tick" + std::to_string(round)), delay_ms, nullptr);
    check_store(data, label);
    if (HasFatalFailure()) return;
  }
  auto ticked = redline(data, "tick --now 2026-09-30T00:00:00Z");
  EXPECT_EQ(ticked.exit_code, 0) << ticked.err;

  // Nothing lost, nothing doubled: the crashed store tells what the reference tells.
  check_store(data, "after the last run");
  EXPECT_EQ(redline(data, "status --format json").out, redline(reference, "status --format json").out);
  EXPECT_EQ(redline(data, "supervision --format json").out, redline(reference, "supervision --format json").out);
  EXPECT_EQ(redline(data, "alerts --format jsonl").out.size(), redline(reference, "alerts --format jsonl").out.size());
  // Most kills must have landed while the command ran, or the test proved little.
  EXPECT_GE(kills, (kSubmitKills + kTickKills) / 2) << "kills that interrupted a run";
  ::testing::Test::RecordProperty("kill_points", kills);
  std::cout << "[ crash    ] " << kills << " of " << kSubmitKills + kTickKills
            << " kills interrupted a running submit or tick; the checks ran after each\n";
}

// A disk that fills up in the middle of a submit: the commands from then on fail with
// storage_error saying so and write nothing; once space is freed the store opens, verifies,
// and takes the rest, ending equal to a store that never ran out of space.
TEST_F(CrashConsistency, AFullDiskFailsCommandsCleanlyAndTheStoreCarriesOnOnceSpaceIsFreed) {
  const std::string disk = dir_.sub("disk");
  std::filesystem::create_directories(disk);
  auto mounted = run_command("mount -t tmpfs -o size=6m tmpfs " + shell_quote(disk));
  if (mounted.exit_code != 0) {
    if (testing::in_ci()) FAIL() << "cannot mount a small tmpfs: " << mounted.err;
    GTEST_SKIP() << "cannot mount a small tmpfs (needs root): " << mounted.err;
  }
  struct Unmount {
    std::string path;
    ~Unmount() { run_command("umount -l " + shell_quote(path)); }
  } unmount{disk};
  const std::string data = disk + "/data";
  ASSERT_EQ(redline(data, "init").exit_code, 0);
  ASSERT_EQ(run_command("dd if=/dev/zero of=" + shell_quote(disk + "/filler") + " bs=1M count=3 2>/dev/null").exit_code, 0);

  auto filled = redline(data, "submit " + shell_quote(commands_));
  EXPECT_EQ(filled.exit_code, 4) << filled.err;
  std::size_t accepted = 0, refused = 0, said_why = 0;
  for (const auto& line : testing::parse_json_lines(filled.out)) {
    if (line["ok"] == true) {
      EXPECT_EQ(refused, 0u) << "a command accepted after the disk filled: " << line.dump();
      ++accepted;
    } else {
      ++refused;
      EXPECT_EQ(line["error"]["code"], "storage_error") << line.dump();
      // The commit that met the full disk says so; the ones already queued behind it say
      // that an earlier commit failed. Each says nothing of it was written.
      const std::string message = line["error"]["message"];
      if (message.find("No space left on device") != std::string::npos) ++said_why;
      EXPECT_TRUE(message.find("No space left on device") != std::string::npos ||
                  message.find("an earlier commit failed") != std::string::npos)
          << line.dump();
      EXPECT_NE(message.find("nothing"), std::string::npos) << line.dump();
    }
  }
  EXPECT_GT(said_why, 0u) << "no command named the full disk";
  ASSERT_GT(accepted, 0u);
  ASSERT_GT(refused, 0u) << "the disk never filled";
  EXPECT_EQ(accepted + refused, lines_.size());
  EXPECT_EQ(check_printed(data, filled.out, 0, "full disk"), lines_.size());

  ASSERT_EQ(run_command("rm " + shell_quote(disk + "/filler")).exit_code, 0);
  check_store(data, "after the disk filled");
  auto rest = redline(data, "submit " + shell_quote(tail_file(accepted)));
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  const std::string reference = dir_.sub("reference");
  ASSERT_EQ(redline(reference, "submit " + shell_quote(commands_)).exit_code, 0);
  EXPECT_EQ(redline(data, "status --format json").out, redline(reference, "status --format json").out);
  std::cout << "[ disk     ] " << accepted << " commands accepted, then " << refused
            << " refused with storage_error: No space left on device\n";
}

}  // namespace
}  // namespace redline
