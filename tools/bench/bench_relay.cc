#include "tools/bench/bench_relay.h"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/domain/submission.h"
#include "events/codec.h"
#include "events/time.h"
#include "kafka/background_relay.h"
#include "kafka/relay.h"
#include "tools/bench/bench_support.h"
#include "tools/simulator/city_simulator.h"

namespace redline::bench {
namespace {

class Delivered : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) ++ok;
  }
  std::uint64_t ok = 0;
};

// The same envelopes, keys and headers the relay sends, through a bare producer with the
// relay's settings: seconds.
double raw_produce(const std::string& brokers, const std::string& topic, const EventStore& store) {
  struct Message {
    std::string key, value, type, hash;
    std::uint64_t position;
    std::uint32_t schema;
  };
  std::vector<Message> messages;
  check(store.scan(Position(1), [&](Position position, std::string_view bytes) {
    auto header = decode_header(bytes);
    auto chain = read_chain_fields(bytes);
    if (!header.ok() || !chain.ok()) return false;
    messages.push_back({header->stream, std::string(bytes), header->type, to_hex(chain->hash),
                        position.value(), header->schema});
    return true;
  }));
  std::string error;
  Delivered delivered;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", brokers}, {"enable.idempotence", "true"}, {"acks", "all"},
           {"linger.ms", "1"}, {"queue.buffering.max.messages", "200000"},
           {"queue.buffering.max.kbytes", "131072"}}) {
    conf->set(name, value, error);
  }
  conf->set("dr_cb", &delivered, error);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
  if (!producer) throw std::runtime_error(error);
  const auto start = Clock::now();
  for (const Message& m : messages) {
    RdKafka::Headers* headers = RdKafka::Headers::create();
    headers->add("position", std::to_string(m.position));
    headers->add("type", m.type);
    headers->add("schema", std::to_string(m.schema));
    headers->add("hash", m.hash);
    while (true) {
      const auto err = producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                         const_cast<char*>(m.value.data()), m.value.size(), m.key.data(),
                                         m.key.size(), 0, headers, nullptr);
      if (err == RdKafka::ERR_NO_ERROR) break;
      if (err != RdKafka::ERR__QUEUE_FULL) throw std::runtime_error(RdKafka::err2str(err));
      producer->poll(50);
    }
    producer->poll(0);
  }
  producer->flush(60'000);
  const double seconds = seconds_since(start);
  if (delivered.ok != messages.size()) throw std::runtime_error("raw producer: not every message delivered");
  return seconds;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  return values[index];
}

}  // namespace

bool run_relay_bench(const RelayBenchOptions& options) {
  try {
    const std::string suffix = std::to_string(Clock::now().time_since_epoch().count());
    auto store = fresh_store(options.dir + "/store");
    {
      std::vector<std::string> lines;
      SimulationOptions simulation{.seed = 2026, .counties = 12, .institutions = options.institutions,
                                   .days = options.days};
      check(simulate_city(simulation, [&lines](const nlohmann::ordered_json& c) { lines.push_back(c.dump()); },
                          nullptr));
      MemoryLineSource source(lines);
      const auto totals = run_submission(*store, RulesConfig{}, source, [](const std::vector<CommandOutcome>&) {});
      if (totals.storage_failed) throw std::runtime_error("building the store failed");
    }
    const std::uint64_t events = store->head().position.value();

    // Three rounds, each on topics of its own with the relay's cursor reset, raw and relay
    // alternating; the median of each is reported (one round takes under a second, and a
    // loopback broker on two cores is noisy).
    constexpr int kRounds = 3;
    std::vector<double> raw_seconds, relay_seconds;
    std::uint64_t alerts = 0;
    KafkaConfig config;
    for (int round = 0; round < kRounds; ++round) {
      KafkaConfig raw_config;
      raw_config.brokers = options.brokers;
      const std::string tag = suffix + "." + std::to_string(round);
      raw_config.events_topic = "redline.bench.raw." + tag;
      raw_config.alerts_topic = "redline.bench.raw-alerts." + tag;
      config = raw_config;
      config.events_topic = "redline.bench.events." + tag;
      config.alerts_topic = "redline.bench.alerts." + tag;
      // Both runs' topics exist (and have leaders) before either is timed.
      for (const KafkaConfig* topics : {&raw_config, &config}) {
        auto creator = Relay::open(*store, *topics);
        check(creator.status());
        check((*creator)->ensure_topics());
      }
      std::filesystem::remove_all(options.dir + "/store/relay");  // the cursor back to 0
      raw_seconds.push_back(raw_produce(options.brokers, raw_config.events_topic, *store));

      auto relay = Relay::open(*store, config);
      check(relay.status());
      check((*relay)->ensure_topics());
      const auto start = Clock::now();
      auto progress = (*relay)->publish_pending();
      check(progress.status());
      relay_seconds.push_back(seconds_since(start));
      alerts = progress->alerts;
    }
    const double raw = percentile(raw_seconds, 0.5);
    const double relayed = percentile(relay_seconds, 0.5);

    std::cout << std::fixed << std::setprecision(3);
    std::cout << "relay: a store of " << events << " events (" << alerts << " alerts), median of " << kRounds
              << " rounds\n";
    std::cout << "  raw librdkafka producer, the same envelopes and headers: "
              << static_cast<long long>(events / raw) << " events/s (" << raw << " s)\n";
    std::cout << "  Relay::publish_pending (+ alerts and the cursor, pipelined): "
              << static_cast<long long>(events / relayed) << " events/s (" << relayed << " s)\n";
    std::cout << std::setprecision(2) << "  relay ratio (relay / raw): " << raw / relayed << "  (target >= 0.5)\n";

    // Latency: commit a major hazard's classification (its listing is an alert) while the
    // running relay (the one inside submit and tick) publishes, and wait for the alert at a
    // consumer of the alerts topic.
    RelaySettings quiet;
    quiet.notice = [](RelayNotice, const std::string&) {};
    auto running = BackgroundRelay::start(*store, config, std::move(quiet));
    check(running.status());
    std::string error;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", options.brokers, error);
    conf->set("group.id", "redline-bench-" + suffix, error);
    conf->set("fetch.wait.max.ms", "5", error);
    std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
    if (!consumer) throw std::runtime_error(error);
    std::vector<RdKafka::TopicPartition*> partitions{
        RdKafka::TopicPartition::create(config.alerts_topic, 0, RdKafka::Topic::OFFSET_END)};
    consumer->assign(partitions);
    RdKafka::TopicPartition::destroy(partitions);
    for (int warm = 0; warm < 10; ++warm) delete consumer->consume(100);

    CommandProcessor processor(*store, RulesConfig{});
    std::vector<double> latencies;
    const nlohmann::ordered_json city = {{"id", "city-admin"}, {"role", "city_bureau"}};
    for (int i = 0; i < options.alerts; ++i) {
      const std::string id = "H-BENCH-" + std::to_string(i);
      const std::string at = format_instant(now_utc());
      nlohmann::ordered_json report = {{"type", "ReportHazard"}, {"actor", city}, {"hazard_id", id},
                                       {"institution_id", "I-000001"}, {"category", "gas"},
                                       {"description", "燃气泄漏"}, {"source", "spot_check"}, {"at", at}};
      nlohmann::ordered_json classify = {{"type", "ClassifyHazard"}, {"actor", city}, {"hazard_id", id},
                                         {"severity", "major"}, {"at", at}};
      auto txn = store->begin_transaction();
      processor.handle(txn, report.dump(), 1);
      auto outcome = processor.handle(txn, classify.dump(), 2);
      if (!outcome.ok) throw std::runtime_error(outcome.json);
      check(txn.commit());
      const auto committed = Clock::now();
      bool arrived = false;
      while (!arrived && seconds_since(committed) < 10) {
        std::unique_ptr<RdKafka::Message> message(consumer->consume(100));
        if (message->err() != RdKafka::ERR_NO_ERROR) continue;
        const std::string value(static_cast<const char*>(message->payload()), message->len());
        arrived = value.find("\"hazard_id\":\"" + id + "\"") != std::string::npos;
      }
      if (!arrived) throw std::runtime_error("alert of " + id + " did not arrive within 10 s");
      latencies.push_back(seconds_since(committed) * 1000);
    }
    consumer->close();
    check((*running)->stop().status());
    std::cout << std::setprecision(1) << "  alert latency, commit to consumer through the running relay ("
              << options.alerts << " alerts): p50 " << percentile(latencies, 0.5) << " ms, p99 "
              << percentile(latencies, 0.99) << " ms  (target p99 < 100 ms)\n";
    running->reset();
    store.reset();
    std::filesystem::remove_all(options.dir);
    return true;
  } catch (const std::exception& e) {
    std::cerr << "redline-bench relay: " << e.what() << "\n";
    return false;
  }
}

}  // namespace redline::bench
