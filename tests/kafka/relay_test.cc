// `redline relay --once` against the real broker that `make test` starts: every event of a
// simulated fortnight arrives once by position with its headers, checked with our own
// consumer and with kcat; alerts arrive as the local `alerts` prints them, without a
// reporter's contact; a second pass publishes nothing; an unreachable broker leaves the
// cursor where it was.
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/codec.h"
#include "tests/support/json_lines.h"
#include "tests/kafka/kafka_store_test.h"
#include "tests/support/kafka_env.h"
#include "tests/support/kafka_topic.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

using nlohmann::json;
using testing::Consumed;
using testing::consume_all;
using testing::parse_json_lines;
using testing::run_command;
using testing::shell_quote;

// Produces `messages` (key, value) to `topic` and waits for their delivery.
void produce_all(const std::string& brokers, const std::string& topic, const std::vector<Consumed>& messages) {
  std::string error;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", brokers, error);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
  ASSERT_NE(producer, nullptr) << error;
  for (const Consumed& m : messages) {
    const auto err = producer->produce(topic, 0, RdKafka::Producer::RK_MSG_COPY,
                                       const_cast<char*>(m.value.data()), m.value.size(), m.key.data(),
                                       m.key.size(), 0, nullptr, nullptr);
    ASSERT_EQ(err, RdKafka::ERR_NO_ERROR) << RdKafka::err2str(err);
  }
  ASSERT_EQ(producer->flush(20000), RdKafka::ERR_NO_ERROR);
}

class Relay : public testing::KafkaStoreTest {
 protected:
  void SetUp() override {
    KafkaStoreTest::SetUp();
    const std::string commands = dir_.sub("commands.jsonl");
    ASSERT_EQ(run_command(shell_quote(testing::redline_binary()) +
                          " simulate --seed 11 --counties 2 --institutions 24 --days 14 > " + shell_quote(commands))
                  .exit_code,
              0);
    ASSERT_EQ(redline("submit " + shell_quote(commands)).exit_code, 0);
    ASSERT_EQ(redline("tick --now 2026-06-30T00:00:00Z").exit_code, 0);
  }
};

TEST_F(Relay, EveryEventOnceByPositionAndEveryAlertWithoutContact) {
  REDLINE_REQUIRE_BROKER(!brokers_.empty(), "REDLINE_TEST_KAFKA is not set");
  const auto events = parse_json_lines(redline("events --format jsonl").out);
  const auto alerts = parse_json_lines(redline("alerts --format jsonl").out);
  ASSERT_GT(events.size(), 500u);
  ASSERT_GT(alerts.size(), 10u);
  EXPECT_NE(redline("events --format jsonl").out.find("\"contact\""), std::string::npos)
      << "the simulated public reports should carry contacts for this test to mean something";

  auto published = redline("--kafka " + brokers_ + " relay --once");
  ASSERT_EQ(published.exit_code, 0) << published.err;
  EXPECT_EQ(published.out, "published " + std::to_string(events.size()) + " events (" +
                               std::to_string(alerts.size()) + " alerts); relay cursor " +
                               std::to_string(events.size()) + "\n");
  auto status = redline("relay --status");
  EXPECT_EQ(status.out, "relay cursor " + std::to_string(events.size()) + ", head " +
                            std::to_string(events.size()) + ", lag 0 events\n");
  auto again = redline("--kafka " + brokers_ + " relay --once");
  EXPECT_EQ(again.out, "published 0 events (0 alerts); relay cursor " + std::to_string(events.size()) + "\n");

  // Our consumer: each position once, in order, with the spec's headers and the stored bytes.
  const auto messages = consume_all(brokers_, events_topic_, events.size());
  ASSERT_EQ(messages.size(), events.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const json& expected = events[i];
    const Consumed& m = messages[i];
    EXPECT_EQ(m.headers.at("position"), std::to_string(i + 1));
    EXPECT_EQ(m.headers.at("type"), expected["type"]);
    EXPECT_EQ(m.headers.at("schema"), std::to_string(expected["schema"].get<int>()));
    EXPECT_EQ(m.headers.at("hash"), expected["hash"]);
    EXPECT_EQ(m.key, expected["stream"]);
    auto envelope = decode_envelope(m.value);
    ASSERT_TRUE(envelope.ok()) << envelope.status().to_string();
    EXPECT_EQ(envelope->position.value(), i + 1);
    EXPECT_EQ(to_hex(envelope->hash), expected["hash"]);
  }

  // kcat, an independent client: the same positions, once each.
  auto kcat = run_command("kcat -C -b " + brokers_ + " -t " + events_topic_ +
                          " -o beginning -e -q -f '%h\\n'");
  ASSERT_EQ(kcat.exit_code, 0) << kcat.err;
  std::multiset<std::uint64_t> positions;
  std::istringstream lines(kcat.out);
  for (std::string line; std::getline(lines, line);) {
    const auto at = line.find("position=");
    ASSERT_NE(at, std::string::npos) << line;
    positions.insert(std::stoull(line.substr(at + 9)));
  }
  ASSERT_EQ(positions.size(), events.size());
  for (std::uint64_t p = 1; p <= events.size(); ++p) EXPECT_EQ(positions.count(p), 1u) << p;

  // Alerts: the local alerts, keyed by county, never a contact.
  const auto alert_messages = consume_all(brokers_, alerts_topic_, alerts.size());
  ASSERT_EQ(alert_messages.size(), alerts.size());
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    EXPECT_EQ(alert_messages[i].value.find("contact"), std::string::npos);
    const json alert = json::parse(alert_messages[i].value);
    EXPECT_EQ(alert, alerts[i]);
    EXPECT_EQ(alert_messages[i].key, alerts[i]["county"].is_string() ? alerts[i]["county"].get<std::string>() : "");
  }
}

TEST_F(Relay, ReplicateBuildsAnEqualStoreDropsDuplicatesAndReportsGaps) {
  REDLINE_REQUIRE_BROKER(!brokers_.empty(), "REDLINE_TEST_KAFKA is not set");
  ASSERT_EQ(redline("--kafka " + brokers_ + " relay --once").exit_code, 0);
  const std::string source_events = redline("events --format jsonl").out;
  const std::size_t count = parse_json_lines(source_events).size();
  auto in = [&](const std::string& dir, const std::string& args) {
    return run_command(testing::redline_command(dir, "--config " + shell_quote(config_) + " " + args));
  };

  const std::string replica = dir_.sub("replica");
  auto replicated = in(replica, "--kafka " + brokers_ + " replicate --from-kafka");
  ASSERT_EQ(replicated.exit_code, 0) << replicated.err;
  EXPECT_NE(replicated.out.find("replicated " + std::to_string(count) + " events from " + events_topic_ +
                                " (0 duplicates dropped)"),
            std::string::npos) << replicated.out;
  EXPECT_EQ(in(replica, "events --format jsonl").out, source_events);
  EXPECT_EQ(in(replica, "audit verify").exit_code, 0);
  EXPECT_EQ(in(replica, "status --format json").out, redline("status --format json").out);
  EXPECT_EQ(in(replica, "alerts --format jsonl").out, redline("alerts --format jsonl").out);
  // The replica goes on as a store of its own: the rules' index came with it.
  auto rule_events = [](const std::string& jsonl) {
    std::vector<std::string> seen;
    for (const auto& e : parse_json_lines(jsonl)) {
      seen.push_back(std::to_string(e["position"].get<std::uint64_t>()) + " " + e["stream"].get<std::string>() +
                     " " + e["type"].get<std::string>() + " " + e["occurred_at"].get<std::string>() + " " +
                     e["data"].dump());
    }
    return seen;
  };
  const auto replica_ticked = rule_events(in(replica, "tick --now 2026-07-30T00:00:00Z --format jsonl").out);
  EXPECT_FALSE(replica_ticked.empty());
  EXPECT_EQ(replica_ticked, rule_events(redline("tick --now 2026-07-30T00:00:00Z --format jsonl").out));

  // A relay that repeated itself (a crash before its cursor moved): duplicates dropped.
  const auto messages = consume_all(brokers_, events_topic_, count);
  ASSERT_EQ(messages.size(), count);
  produce_all(brokers_, events_topic_, std::vector<Consumed>(messages.begin(), messages.begin() + 5));
  const std::string second = dir_.sub("second");
  auto again = in(second, "--kafka " + brokers_ + " replicate --from-kafka");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("(5 duplicates dropped)"), std::string::npos) << again.out;
  EXPECT_EQ(in(second, "events --format jsonl").out, source_events);

  // A topic missing a position: exit 3 naming it.
  const std::string gappy_topic = events_topic_ + ".gap";
  const std::string gap_config = dir_.sub("gap.toml");
  std::ofstream(gap_config) << "[kafka]\nevents_topic = \"" << gappy_topic << "\"\nalerts_topic = \""
                            << alerts_topic_ << ".gap\"\n";
  auto with_gap_config = [&](const std::string& dir, const std::string& args) {
    return run_command(testing::redline_command(dir, "--config " + shell_quote(gap_config) + " --kafka " +
                                                         brokers_ + " " + args));
  };
  // An empty store's relay creates the topics (the broker does not create them itself).
  ASSERT_EQ(with_gap_config(dir_.sub("empty"), "init").exit_code, 0);
  ASSERT_EQ(with_gap_config(dir_.sub("empty"), "relay --once").exit_code, 0);
  std::vector<Consumed> gappy(messages.begin(), messages.begin() + 10);
  gappy.erase(gappy.begin() + 4);
  produce_all(brokers_, gappy_topic, gappy);
  auto gap = with_gap_config(dir_.sub("gap"), "replicate --from-kafka");
  EXPECT_EQ(gap.exit_code, 3) << gap.out << gap.err;
  EXPECT_NE(gap.err.find("position 5 is missing"), std::string::npos) << gap.err;
}

TEST_F(Relay, AlertsFromKafkaAsTheLocalOnesAndFollowedByAGroup) {
  REDLINE_REQUIRE_BROKER(!brokers_.empty(), "REDLINE_TEST_KAFKA is not set");
  ASSERT_EQ(redline("--kafka " + brokers_ + " relay --once").exit_code, 0);
  const std::string kafka = "--kafka " + brokers_ + " ";
  EXPECT_EQ(redline(kafka + "alerts --format jsonl").out, redline("alerts --format jsonl").out);
  const auto local_c01 = redline("alerts --format jsonl --county C01").out;
  EXPECT_FALSE(local_c01.empty());
  EXPECT_EQ(redline(kafka + "alerts --format jsonl --county C01").out, local_c01);

  // A supervisor's group reads what is there once; a later run of the group sees only what
  // is new.
  const std::string group = "supervisors-" + events_topic_;
  EXPECT_EQ(redline(kafka + "alerts --format jsonl --group " + group).out, redline("alerts --format jsonl").out);
  EXPECT_EQ(redline(kafka + "alerts --format jsonl --group " + group).out, "");

  // Followed: a new major hazard's listing arrives once the relay publishes it.
  const std::string followed = dir_.sub("followed.jsonl");
  auto started = run_command("timeout 30 " + testing::redline_command(data_, "--config " + shell_quote(config_) +
                                                                            " " + kafka + "alerts --follow --format jsonl --group " + group) +
                             " > " + shell_quote(followed) + " 2>&1 & echo $!");
  const std::string pid = started.out.substr(0, started.out.find('\n'));
  const json report = {{"type", "ReportHazard"}, {"actor", {{"id", "s"}, {"role", "city_bureau"}}},
                       {"hazard_id", "H-NEW"}, {"institution_id", "I-000001"}, {"category", "gas"},
                       {"description", "燃气泄漏"}, {"source", "spot_check"}, {"at", "2026-06-30T09:00:00Z"}};
  const json classify = {{"type", "ClassifyHazard"}, {"actor", {{"id", "s"}, {"role", "city_bureau"}}},
                         {"hazard_id", "H-NEW"}, {"severity", "major"}, {"at", "2026-06-30T10:00:00Z"}};
  ASSERT_EQ(run_command(testing::redline_command(data_, "--config " + shell_quote(config_) + " submit -"),
                        report.dump() + "\n" + classify.dump() + "\n").exit_code, 0);
  ASSERT_EQ(redline("--kafka " + brokers_ + " relay --once").exit_code, 0);
  const std::string text = testing::wait_for_text(followed, "H-NEW", 15'000);
  run_command("kill " + pid);
  const auto alerts = parse_json_lines(text);
  ASSERT_FALSE(alerts.empty()) << text;
  EXPECT_EQ(alerts.back()["hazard_id"], "H-NEW");
  EXPECT_EQ(alerts.back()["type"], "HazardListed");
}

TEST_F(Relay, AnUnreachableBrokerLeavesTheCursorAndSaysWhy) {
  const auto started = std::chrono::steady_clock::now();
  auto failed = redline("--kafka 127.0.0.1:1 relay --once");
  EXPECT_EQ(failed.exit_code, 4) << failed.out << failed.err;
  EXPECT_NE(failed.err.find("every broker at 127.0.0.1:1 is down"), std::string::npos) << failed.err;
  // Said once librdkafka finds every broker down, not after the answer's 15 s timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_NE(redline("relay --status").out.find("relay cursor 0,"), std::string::npos);
  EXPECT_EQ(redline("relay --once").exit_code, 2);  // Kafka off
  EXPECT_EQ(redline("relay").exit_code, 2);
}

}  // namespace
}  // namespace redline
