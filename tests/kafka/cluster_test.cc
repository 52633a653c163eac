// A three-broker KRaft cluster of the test's own (tools/kafka/cluster.sh): topics with
// replication factor 3 and min.insync.replicas 2; one broker SIGKILLed while the relay
// publishes what a writer commits, and brought back. Every position arrives, each stream in
// order, and the relay's cursor never stands still for long while events wait: the longest
// pause is the failover time RELIABILITY.md reports.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/event_store.h"
#include "events/codec.h"
#include "tests/kafka/kafka_store_test.h"
#include "tests/support/background_process.h"

namespace redline {
namespace {

using testing::BackgroundProcess;
using testing::run_command;
using testing::shell_quote;

class Cluster {
 public:
  Cluster(std::string dir, int base) : dir_(std::move(dir)), base_(base) {}
  ~Cluster() { run(" down " + shell_quote(dir_)); }
  testing::CommandOutput up() const { return run(" up " + shell_quote(dir_) + " " + std::to_string(base_)); }
  testing::CommandOutput kill(int node) const { return run(" kill " + shell_quote(dir_) + " " + std::to_string(node)); }
  testing::CommandOutput start(int node) const {
    return run(" start " + shell_quote(dir_) + " " + std::to_string(base_) + " " + std::to_string(node));
  }
  std::string brokers() const {
    return "127.0.0.1:" + std::to_string(base_) + ",127.0.0.1:" + std::to_string(base_ + 1) + ",127.0.0.1:" +
           std::to_string(base_ + 2);
  }

 private:
  testing::CommandOutput run(const std::string& args) const {
    return run_command(shell_quote(std::string(REDLINE_SOURCE_DIR) + "/tools/kafka/cluster.sh") + args);
  }
  std::string dir_;
  int base_;
};

class KafkaCluster : public testing::KafkaStoreTest {};

TEST_F(KafkaCluster, ABrokerKilledDuringARelayLosesNothingAndTheRelayCarriesOn) {
  REDLINE_REQUIRE_BROKER(!brokers_.empty(), "REDLINE_TEST_KAFKA is not set (the jars come with it)");
  Cluster cluster(dir_.sub("cluster"), 24000 + static_cast<int>(::getpid() % 300) * 20);
  auto up = cluster.up();
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  write_config("partitions = 3\nreplication_factor = 3\nmin_insync_replicas = 2\nretry_backoff_max_ms = 1000\n"
               "drain_ms = 20000\n");

  // A writer commits a simulated month in twenty steps over several seconds.
  const std::string all = dir_.sub("commands.jsonl");
  ASSERT_EQ(run_command(shell_quote(testing::redline_binary()) +
                        " simulate --seed 12 --counties 4 --institutions 120 --days 30 > " + shell_quote(all))
                .exit_code,
            0);
  std::string steps;
  // Whole lines in order: split the file into 20 consecutive parts.
  ASSERT_EQ(run_command("cd " + shell_quote(dir_.path()) + " && split -n l/20 -d commands.jsonl part.").exit_code, 0);
  ASSERT_EQ(redline("submit " + shell_quote(dir_.sub("part.00"))).exit_code, 0);  // the relay follows a store
  for (int i = 1; i < 20; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "part.%02d", i);
    steps += redline_line("submit " + shell_quote(dir_.sub(name))) + " > /dev/null || exit 1; sleep 0.3; ";
  }
  BackgroundProcess relay(redline_line("--kafka " + cluster.brokers() + " relay"), dir_.sub("relay"));
  struct Sample {
    std::chrono::steady_clock::time_point at;
    std::uint64_t cursor = 0, head = 0;
  };
  auto sample = [&] {
    Sample s{std::chrono::steady_clock::now()};
    std::sscanf(redline("relay --status").out.c_str(), "relay cursor %lu, head %lu", &s.cursor, &s.head);
    return s;
  };
  // What the relay and each broker last said, for a failure's message.
  auto diagnosis = [&](const Sample& s) {
    return "relay cursor " + std::to_string(s.cursor) + ", head " + std::to_string(s.head) + "\nrelay:\n" +
           relay.err() + "brokers:\n" +
           run_command("cd " + shell_quote(dir_.sub("cluster")) +
                       " && for n in 1 2 3; do echo node$n; tail -n 15 node$n/stdout.log node$n/broker.log; done")
               .out;
  };

  // The writer starts once the relay publishes: a cluster slow to settle (topic creation
  // refused until all three brokers have registered) must not use up the writer's run.
  const auto relay_started = std::chrono::steady_clock::now();
  Sample published = sample();
  for (int waited = 0; waited < 60'000 && !(published.head > 0 && published.cursor == published.head); waited += 200) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    published = sample();
  }
  ASSERT_EQ(published.cursor, published.head)
      << "the relay did not publish the first part within 60 s\n" << diagnosis(published);
  std::cout << "[ cluster  ] the relay published the first " << published.head << " events after "
            << std::chrono::duration<double>(published.at - relay_started).count() << " s\n";
  BackgroundProcess writer("sh -c " + shell_quote(steps), dir_.sub("writer"));

  // Watch the cursor every 100 ms; a broker dies two seconds into the writer's run and returns.
  std::vector<Sample> samples;
  const auto started = std::chrono::steady_clock::now();
  bool killed = false, restarted = false;
  std::chrono::steady_clock::time_point killed_at;
  while (std::chrono::steady_clock::now() - started < std::chrono::seconds(90)) {
    const Sample s = sample();
    samples.push_back(s);
    if (!killed && s.at - started > std::chrono::seconds(2)) {
      ASSERT_EQ(cluster.kill(2).exit_code, 0);
      killed = true;
      killed_at = std::chrono::steady_clock::now();
    }
    if (killed && !restarted && std::chrono::steady_clock::now() - killed_at > std::chrono::seconds(6)) {
      auto back = cluster.start(2);
      ASSERT_EQ(back.exit_code, 0) << back.out << back.err;
      restarted = true;
    }
    if (restarted && writer.exit_code() && s.head > 0 && s.cursor == s.head) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(writer.wait(60'000), 0) << writer.err();
  ASSERT_FALSE(samples.empty());
  ASSERT_TRUE(restarted) << diagnosis(samples.back());
  ASSERT_EQ(samples.back().cursor, samples.back().head) << diagnosis(samples.back());
  relay.signal(SIGTERM);
  ASSERT_EQ(relay.wait(30'000), 0) << relay.err();

  // The longest the cursor stood still while events waited.
  double longest = 0;
  for (std::size_t i = 0; i < samples.size();) {
    std::size_t j = i;
    while (j + 1 < samples.size() && samples[j + 1].cursor == samples[i].cursor) ++j;
    if (samples[i].cursor < samples[i].head) {
      longest = std::max(longest, std::chrono::duration<double>(samples[j].at - samples[i].at).count());
    }
    i = j + 1;
  }
  std::cout << "[ cluster  ] longest pause of the relay's cursor with events waiting: " << longest
            << " s (a broker killed and restarted)\n";
  ::testing::Test::RecordProperty("failover_seconds", std::to_string(longest));
  EXPECT_LT(longest, 12.0) << relay.err();

  // Every position, from the cluster, each stream in order.
  StoreOptions options;
  options.path = data_;
  options.create_if_missing = false;
  options.follower = true;
  auto store = EventStore::open(options);
  ASSERT_TRUE(store.ok());
  const std::uint64_t head = (*store)->head().position.value();
  // The messages in partition order, and the positions among them.
  auto read_topic = [&](std::vector<testing::Consumed>* messages, std::set<std::uint64_t>* positions) {
    *messages = testing::consume_all(cluster.brokers(), events_topic_, head, 3);
    std::stable_sort(messages->begin(), messages->end(), [](const auto& a, const auto& b) {
      return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
    });
    positions->clear();
    for (const auto& m : *messages) positions->insert(std::stoull(m.headers.at("position")));
  };
  std::vector<testing::Consumed> messages;
  std::set<std::uint64_t> seen;
  read_topic(&messages, &seen);
  std::string context;
  if (seen.size() != head) {
    // Where each partition begins and ends, what the relay and the brokers said; then a
    // second read by a new consumer tells a consumer's miss from a record the cluster lost.
    for (std::size_t i = 0; i < messages.size(); ++i) {
      const bool first = i == 0 || messages[i - 1].partition != messages[i].partition;
      const bool last = i + 1 == messages.size() || messages[i + 1].partition != messages[i].partition;
      if (first || last) {
        context += "partition " + std::to_string(messages[i].partition) + (first ? " first" : " last") +
                   " offset " + std::to_string(messages[i].offset) + ": position " +
                   messages[i].headers.at("position") + "\n";
      }
    }
    context += "relay:\n" + relay.err() + "brokers:\n" +
               run_command("cd " + shell_quote(dir_.sub("cluster")) + " && for n in 1 2 3; do echo node$n; grep -F " +
                           shell_quote(events_topic_) + " node$n/broker.log | grep -v 'Error in response' | " +
                           "grep -E 'Truncat|ISR|leader|Recover|Delet|stray|start offset' | tail -n 25; done")
                   .out;
    const std::size_t first_read = seen.size();
    read_topic(&messages, &seen);
    std::cout << "[ cluster  ] the first read found " << first_read << " of " << head
              << " positions, a second read " << seen.size() << "\n" << context << "\n";
  }
  EXPECT_EQ(seen.size(), head) << context;
  if (!seen.empty()) {
    EXPECT_EQ(*seen.begin(), 1u) << context;
    EXPECT_EQ(*seen.rbegin(), head) << context;
  }
  // Each stream in order, each copy the stored bytes.
  std::set<std::uint64_t> checked;
  std::map<std::string, std::uint64_t> last_of_stream;
  for (const auto& m : messages) {
    const std::uint64_t position = std::stoull(m.headers.at("position"));
    if (!checked.insert(position).second) continue;
    EXPECT_GT(position, last_of_stream[m.key]) << "stream " << m.key;
    last_of_stream[m.key] = position;
    EXPECT_EQ(m.value, (*store)->read_raw(Position(position)).value()) << "position " << position;
  }
}

}  // namespace
}  // namespace redline
