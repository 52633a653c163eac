// The running relay against real brokers: `redline relay` beside writers until SIGTERM; the
// relay inside submit and tick; a broker stopped mid-stream and restarted (a broker of the
// test's own); a relay killed with SIGKILL again and again and restarted, then a replica built
// from what it published. Each checks the topic against the store: every position present,
// repeats only where the relay's cursor allowed them and byte for byte the same, and each
// stream's events in order.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/event_store.h"
#include "events/codec.h"
#include "tests/kafka/kafka_store_test.h"
#include "tests/support/background_process.h"
#include "tests/support/kafka_env.h"
#include "tests/support/kafka_topic.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

using testing::BackgroundProcess;
using testing::Consumed;
using testing::consume_all;
using testing::run_command;
using testing::shell_quote;

struct RelayStatus {
  std::uint64_t cursor = 0, head = 0, lag = 0;
};

// The stored bytes of every position (1-based: bytes[p - 1]).
std::vector<std::string> stored_events(const std::string& data) {
  StoreOptions options;
  options.path = data;
  options.create_if_missing = false;
  options.follower = true;
  auto store = EventStore::open(options);
  EXPECT_TRUE(store.ok()) << store.status().message();
  std::vector<std::string> bytes;
  if (!store.ok()) return bytes;
  (void)(*store)->scan(Position(1), [&](Position, std::string_view event) {
    bytes.emplace_back(event);
    return true;
  });
  return bytes;
}

// What the events topic holds, checked against the store: every position, each copy equal to
// the stored bytes and under its stream's key, in one partition per stream and in order
// there once repeats are dropped. Returns how many times each position arrived.
std::map<std::uint64_t, int> check_topic(const std::vector<std::string>& stored, const std::vector<Consumed>& messages) {
  std::map<std::uint64_t, int> arrivals;
  std::map<std::string, std::int32_t> partition_of_stream;
  std::map<std::string, std::uint64_t> last_of_stream;
  std::set<std::uint64_t> seen;
  for (const Consumed& m : messages) {
    const std::uint64_t position = std::stoull(m.headers.at("position"));
    ++arrivals[position];
    if (position == 0 || position > stored.size()) {
      ADD_FAILURE() << "position " << position << " is not in the store";
      continue;
    }
    EXPECT_EQ(m.value, stored[position - 1]) << "position " << position;
    auto header = decode_header(m.value);
    EXPECT_TRUE(header.ok()) << "position " << position;
    if (header.ok()) {
      EXPECT_EQ(m.key, header->stream);
    }
    auto [at, fresh] = partition_of_stream.emplace(m.key, m.partition);
    EXPECT_EQ(at->second, m.partition) << "stream " << m.key << " in two partitions";
    if (!seen.insert(position).second) continue;  // a repeat, dropped by position
    auto& last = last_of_stream[m.key];
    EXPECT_GT(position, last) << "stream " << m.key << ": position " << position << " after " << last;
    last = position;
  }
  for (std::uint64_t p = 1; p <= stored.size(); ++p) EXPECT_GE(arrivals[p], 1) << "position " << p << " is missing";
  return arrivals;
}

// The messages in partition order (consume_all interleaves partitions).
std::vector<Consumed> in_partition_order(std::vector<Consumed> messages) {
  std::stable_sort(messages.begin(), messages.end(), [](const Consumed& a, const Consumed& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  return messages;
}

class RunningRelay : public testing::KafkaStoreTest {
 protected:
  void SetUp() override {
    KafkaStoreTest::SetUp();
    write_config(settings(1));
  }
  static std::string settings(int partitions) {
    return "partitions = " + std::to_string(partitions) + "\nretry_backoff_max_ms = 1000\ndrain_ms = 20000\n";
  }
  // The simulated commands, split into `parts` files of whole lines.
  std::vector<std::string> simulate(const std::string& args, int parts) {
    const std::string all = dir_.sub("commands.jsonl");
    EXPECT_EQ(run_command(shell_quote(testing::redline_binary()) + " simulate " + args + " > " + shell_quote(all)).exit_code, 0);
    std::vector<std::string> lines;
    std::ifstream in(all);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::vector<std::string> files;
    for (int i = 0; i < parts; ++i) {
      files.push_back(dir_.sub("part" + std::to_string(i) + ".jsonl"));
      std::ofstream out(files.back());
      for (std::size_t l = lines.size() * i / parts; l < lines.size() * (i + 1) / parts; ++l) out << lines[l] << "\n";
    }
    return files;
  }
  RelayStatus status() const {
    RelayStatus s;
    const auto out = redline("relay --status").out;
    std::sscanf(out.c_str(), "relay cursor %lu, head %lu, lag %lu", &s.cursor, &s.head, &s.lag);
    return s;
  }
  // Waits until the relay's cursor reaches the head; the last status seen.
  RelayStatus wait_caught_up(int timeout_ms) const {
    RelayStatus s = status();
    for (int waited = 0; waited < timeout_ms && (s.lag > 0 || s.head == 0); waited += 100) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      s = status();
    }
    return s;
  }
  static int count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
  }

  // Waits until the relay has caught up, stops it with SIGTERM, and checks that it said Kafka
  // was away and back once each: one line per change of state, not one per retry.
  RelayStatus catch_up_and_stop_after_one_outage(BackgroundProcess& relay) const {
    const RelayStatus caught_up = wait_caught_up(60'000);
    EXPECT_EQ(caught_up.lag, 0u) << relay.err();
    relay.signal(SIGTERM);
    EXPECT_EQ(relay.wait(30'000), 0) << relay.err();
    EXPECT_EQ(count(relay.err(), "is unreachable"), 1) << relay.err();
    EXPECT_EQ(count(relay.err(), "is reachable again"), 1) << relay.err();
    return caught_up;
  }
};

TEST_F(RunningRelay, PublishesBesideWritersUntilSigterm) {
  REDLINE_REQUIRE_BROKER(!brokers_.empty(), "REDLINE_TEST_KAFKA is not set");
  const auto parts = simulate("--seed 5 --counties 2 --institutions 24 --days 14", 3);
  ASSERT_EQ(redline("submit " + shell_quote(parts[0])).exit_code, 0);
  BackgroundProcess relay(redline_line("--kafka " + brokers_ + " relay"), dir_.sub("relay"));
  ASSERT_NE(testing::wait_for_text(relay.err_path(), "relay: publishing", 20'000).find("relay: publishing"),
            std::string::npos);
  // Writers run beside it: the store's writer lock is not the relay's.
  ASSERT_EQ(redline("submit " + shell_quote(parts[1])).exit_code, 0);
  ASSERT_EQ(redline("--kafka " + brokers_ + " submit " + shell_quote(parts[2])).exit_code, 0);
  ASSERT_EQ(redline("tick --now 2026-06-30T00:00:00Z").exit_code, 0);
  const RelayStatus caught_up = wait_caught_up(30'000);
  ASSERT_EQ(caught_up.lag, 0u) << relay.err();
  // A second relay is refused while this one runs.
  auto second = redline("--kafka " + brokers_ + " relay --once");
  EXPECT_EQ(second.exit_code, 4);
  EXPECT_NE(second.err.find("a relay is already publishing"), std::string::npos) << second.err;

  relay.signal(SIGTERM);
  ASSERT_EQ(relay.wait(30'000), 0) << relay.err();
  EXPECT_NE(relay.out().find("published " + std::to_string(caught_up.head) + " events"), std::string::npos)
      << relay.out();
  EXPECT_NE(relay.err().find("relay: stopped at position " + std::to_string(caught_up.head)), std::string::npos)
      << relay.err();
  EXPECT_EQ(count(relay.err(), "unreachable"), 0) << relay.err();

  const auto stored = stored_events(data_);
  ASSERT_EQ(stored.size(), caught_up.head);
  const auto arrivals = check_topic(stored, consume_all(brokers_, events_topic_, stored.size()));
  for (const auto& [position, times] : arrivals) EXPECT_EQ(times, 1) << "position " << position;
}

TEST_F(RunningRelay, SubmitAndTickPublishTheirOwnCommits) {
  REDLINE_REQUIRE_BROKER(!brokers_.empty(), "REDLINE_TEST_KAFKA is not set");
  const auto parts = simulate("--seed 6 --counties 2 --institutions 24 --days 14", 1);
  auto submitted = redline("--kafka " + brokers_ + " submit " + shell_quote(parts[0]));
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  EXPECT_EQ(submitted.err, "");  // Kafka was there: nothing to say
  RelayStatus s = status();
  EXPECT_GT(s.head, 0u);
  EXPECT_EQ(s.lag, 0u) << "submit ended before Kafka confirmed its events";
  ASSERT_EQ(redline("--kafka " + brokers_ + " tick --now 2026-06-30T00:00:00Z").exit_code, 0);
  s = status();
  EXPECT_EQ(s.lag, 0u);
  const auto stored = stored_events(data_);
  const auto arrivals = check_topic(stored, consume_all(brokers_, events_topic_, stored.size()));
  for (const auto& [position, times] : arrivals) EXPECT_EQ(times, 1) << "position " << position;
  const auto local_alerts = redline("alerts --format jsonl").out;
  EXPECT_EQ(consume_all(brokers_, alerts_topic_, count(local_alerts, "\n")).size(),
            static_cast<std::size_t>(count(local_alerts, "\n")));

  // Kafka away: the commands still succeed at once and say what waits in the outbox.
  const auto started = std::chrono::steady_clock::now();
  auto offline = redline("--kafka 127.0.0.1:1 tick --now 2026-07-15T00:00:00Z");
  EXPECT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(25));
  if (status().lag > 0) {
    EXPECT_NE(offline.err.find("wait in the outbox"), std::string::npos) << offline.err;
  }
}

// A broker of the test's own, on ports of its own, so stopping it disturbs no other test.
class OwnBroker {
 public:
  explicit OwnBroker(const std::string& home) : home_(home) {
    const int base = 20000 + static_cast<int>(::getpid() % 2000) * 2;
    port_ = std::to_string(base);
    env_ = "KAFKA_HOME_DIR=" + shell_quote(home) + " KAFKA_PORT=" + port_ + " KAFKA_CONTROLLER_PORT=" +
           std::to_string(base + 1) + " " + shell_quote(std::string(REDLINE_SOURCE_DIR) + "/tools/kafka/kafka.sh");
  }
  ~OwnBroker() { down(); }
  testing::CommandOutput up() const { return run_command(env_ + " up"); }
  testing::CommandOutput down() const { return run_command(env_ + " down"); }
  std::string brokers() const { return "127.0.0.1:" + port_; }

 private:
  std::string home_, port_, env_;
};

TEST_F(RunningRelay, ABrokerStoppedMidStreamLosesNothingAndReordersNothing) {
  REDLINE_REQUIRE_BROKER(!brokers_.empty(), "REDLINE_TEST_KAFKA is not set (the jars come with it)");
  OwnBroker broker(dir_.sub("kafka"));
  auto up = broker.up();
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  write_config(settings(3));  // three partitions: order holds per stream
  const auto parts = simulate("--seed 7 --counties 3 --institutions 60 --days 30", 3);
  ASSERT_EQ(redline("submit " + shell_quote(parts[0])).exit_code, 0);
  BackgroundProcess relay(redline_line("--kafka " + broker.brokers() + " relay"), dir_.sub("relay"));
  ASSERT_GT(wait_caught_up(30'000).head, 0u);
  ASSERT_EQ(status().lag, 0u) << relay.err();

  // The broker goes away while the next commits are being published.
  BackgroundProcess writer(redline_line("submit " + shell_quote(parts[1])), dir_.sub("writer"));
  auto down = broker.down();
  ASSERT_EQ(down.exit_code, 0) << down.out;
  EXPECT_EQ(writer.wait(60'000), 0) << writer.err();  // commands never wait for Kafka
  ASSERT_NE(testing::wait_for_text(relay.err_path(), "unreachable", 30'000).find("unreachable"), std::string::npos)
      << relay.err();
  ASSERT_EQ(redline("submit " + shell_quote(parts[2])).exit_code, 0);
  ASSERT_EQ(redline("tick --now 2026-07-15T00:00:00Z").exit_code, 0);
  EXPECT_GT(status().lag, 0u);

  up = broker.up();
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  const RelayStatus caught_up = catch_up_and_stop_after_one_outage(relay);
  ASSERT_FALSE(HasFailure());

  const auto stored = stored_events(data_);
  ASSERT_EQ(stored.size(), caught_up.head);
  const auto messages = in_partition_order(consume_all(broker.brokers(), events_topic_, stored.size(), 3));
  check_topic(stored, messages);
}

TEST_F(RunningRelay, StartedWhileKafkaIsDownItSaysSoOnceAndPublishesWhenItComes) {
  REDLINE_REQUIRE_BROKER(!brokers_.empty(), "REDLINE_TEST_KAFKA is not set (the jars come with it)");
  OwnBroker broker(dir_.sub("kafka"));
  const auto parts = simulate("--seed 9 --counties 2 --institutions 24 --days 14", 1);
  ASSERT_EQ(redline("submit " + shell_quote(parts[0])).exit_code, 0);
  BackgroundProcess relay(redline_line("--kafka " + broker.brokers() + " relay"), dir_.sub("relay"));
  // Said once librdkafka finds every broker down, not after the 15 s an answer may take.
  ASSERT_NE(testing::wait_for_text(relay.err_path(), "every broker at", 10'000).find("unreachable"), std::string::npos)
      << relay.err();
  // The same producer lived through the outage: once the broker answers, Kafka is back,
  // without a second "unreachable" before the first delivery.
  auto up = broker.up();
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  catch_up_and_stop_after_one_outage(relay);
  ASSERT_FALSE(HasFailure());
  const auto stored = stored_events(data_);
  const auto arrivals = check_topic(stored, consume_all(broker.brokers(), events_topic_, stored.size()));
  for (const auto& [position, times] : arrivals) EXPECT_EQ(times, 1) << "position " << position;
}

TEST_F(RunningRelay, KilledAgainAndAgainItRepeatsOnlyWhatWasUnconfirmedAndTheReplicaEqualsTheSource) {
  REDLINE_REQUIRE_BROKER(!brokers_.empty(), "REDLINE_TEST_KAFKA is not set");
  // A writer commits a simulated month in forty steps for several seconds while relays are
  // started and SIGKILLed one after another: each dies with messages in flight. A kill lands
  // mid-publish only while the writer commits, so the steps are large and the pauses short:
  // with small steps and long pauses a fast machine caught up within each pause and too few
  // kills landed while there was something to publish.
  const auto parts = simulate("--seed 8 --counties 6 --institutions 1500 --days 30", 40);
  // The store exists before the first relay starts: a relay refuses a store that is not there.
  ASSERT_EQ(redline("submit " + shell_quote(parts[0])).exit_code, 0);
  std::string steps;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    steps += redline_line("submit " + shell_quote(part)) + " > /dev/null || exit 1; sleep 0.15; ";
  }
  BackgroundProcess writer("sh -c " + shell_quote(steps), dir_.sub("writer"));

  // The cursor each relay started from: a position may arrive once per relay that started
  // before it, and no more.
  std::vector<std::uint64_t> starts;
  std::mt19937 random(2026);
  int killed_midway = 0;
  for (int run = 0; run < 40 && !writer.exit_code(); ++run) {
    starts.push_back(status().cursor);
    BackgroundProcess relay(redline_line("--kafka " + brokers_ + " relay"), dir_.sub("relay" + std::to_string(run)));
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(150, 600)(random)));
    relay.signal(SIGKILL);
    ASSERT_EQ(relay.wait(10'000), 128 + SIGKILL) << relay.err();
    const RelayStatus after = status();
    if (after.cursor > starts.back() && after.cursor < after.head) ++killed_midway;
  }
  ASSERT_EQ(writer.wait(60'000), 0) << writer.err();
  ASSERT_EQ(redline("tick --now 2026-07-15T00:00:00Z").exit_code, 0);
  starts.push_back(status().cursor);
  auto last = redline("--kafka " + brokers_ + " relay --once");
  ASSERT_EQ(last.exit_code, 0) << last.err;
  const std::uint64_t head = status().head;
  ASSERT_EQ(status().lag, 0u);
  std::cout << "[ relay    ] " << starts.size() - 1 << " relays killed, " << killed_midway
            << " of them while the relay was publishing\n";
  EXPECT_GE(killed_midway, 3) << "too few kills landed while the relay was publishing";

  const auto stored = stored_events(data_);
  ASSERT_EQ(stored.size(), head);
  const auto arrivals = check_topic(stored, consume_all(brokers_, events_topic_, stored.size()));
  for (const auto& [position, times] : arrivals) {
    const auto relays_before = std::count_if(starts.begin(), starts.end(), [&](std::uint64_t s) { return s < position; });
    EXPECT_LE(times, relays_before) << "position " << position << " arrived more often than relays started before it";
  }

  // A replica from the topic alone equals the source.
  const std::string replica = dir_.sub("replica");
  auto replicated = run_command(testing::redline_command(replica, "--config " + shell_quote(config_) + " --kafka " +
                                                                      brokers_ + " replicate --from-kafka"));
  ASSERT_EQ(replicated.exit_code, 0) << replicated.err;
  EXPECT_EQ(run_command(testing::redline_command(replica, "audit verify")).exit_code, 0);
  EXPECT_EQ(run_command(testing::redline_command(replica, "events --format jsonl")).out,
            redline("events --format jsonl").out);
  // Everything in it came from Kafka: its relay has nothing to publish.
  EXPECT_NE(run_command(testing::redline_command(replica, "relay --status")).out.find("lag 0 events"),
            std::string::npos);
}

}  // namespace
}  // namespace redline
