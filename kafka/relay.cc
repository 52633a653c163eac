#include "kafka/relay.h"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/rules/alerts.h"
#include "events/codec.h"
#include "kafka/internal/consumer.h"
#include "kafka/internal/outbox_producer.h"
#include "kafka/relay_cursor.h"

namespace redline {
namespace {

using Clock = std::chrono::steady_clock;
using internal::kafka_error;
using internal::OutboxProducer;

// Positions read from the log per scan; the producer is polled between them.
constexpr std::uint64_t kScanSlice = 10'000;
// The cursor is written at most this often while a relay runs (and always when it stops):
// an older cursor only means more repeats after a crash.
constexpr auto kPersistEvery = std::chrono::milliseconds(200);
// Messages in flight and nothing confirmed for this long: the relay starts over with a new
// producer (and counts Kafka as away until something is confirmed).
constexpr auto kStallAfter = std::chrono::seconds(10);
// Every broker reported down for this long before the relay says Kafka is away.
constexpr auto kDownGrace = std::chrono::seconds(1);
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kTopicsAtStop = std::chrono::seconds(2);

// Sleeps for `pause`, waking early when *stop is set.
void sleep_unless_stopped(std::chrono::milliseconds pause, const std::atomic<bool>& stop) {
  const auto until = Clock::now() + pause;
  while (!stop.load() && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace

struct Relay::Impl {
  Impl(EventStore& s, KafkaConfig c, RelaySettings r, std::unique_ptr<RelayCursor> k)
      : store(s), config(std::move(c)), settings(std::move(r)), alerts(s), cursor(std::move(k)) {}

  void notice(RelayNotice kind, const std::string& line) const {
    if (settings.notice) {
      settings.notice(kind, line);
    } else {
      spdlog::info("{}", line);
    }
  }

  Status new_producer() {
    const int timeout = settings.mode == RelayMode::continuous ? 0 : settings.pass_delivery_timeout_ms;
    REDLINE_ASSIGN(out, OutboxProducer::open(config, timeout));
    out->start_after(cursor->position());
    return Status::Ok();
  }

  // Asks for both topics' metadata, so that the first messages to each do not wait for the
  // producer to discover their leaders (a pause of a second, holding the cursor back).
  void learn_leaders() {
    for (const std::string* name : {&config.events_topic, &config.alerts_topic}) {
      std::string error;
      std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(&out->producer(), *name, nullptr, error));
      RdKafka::Metadata* metadata = nullptr;
      if (topic && out->producer().metadata(false, topic.get(), &metadata, internal::kKafkaAnswerTimeoutMs) ==
                       RdKafka::ERR_NO_ERROR) {
        delete metadata;
      }
    }
  }

  Status catch_up() { return store.options().follower ? store.catch_up() : Status::Ok(); }

  // The messages of one stored event. The header and the chain fields suffice for the
  // events topic; only alerts are decoded whole, to render them.
  Result<bool> produce(Position position, std::string_view bytes, const std::function<bool()>& stop_waiting) {
    EnvelopeHeader header;
    REDLINE_ASSIGN(header, decode_header(bytes));
    ChainFields chain;
    REDLINE_ASSIGN(chain, read_chain_fields(bytes));
    std::optional<std::pair<std::string, std::string>> alert;
    if (is_alert_type(header.type)) {
      Envelope event;
      REDLINE_ASSIGN(event, decode_envelope(bytes));
      nlohmann::ordered_json rendered;
      REDLINE_ASSIGN(rendered, alerts.render(event));
      alert.emplace(rendered["county"].is_string() ? rendered["county"].get<std::string>() : "",
                    rendered.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    }
    RdKafka::Headers* headers = RdKafka::Headers::create();
    headers->add("position", std::to_string(position.value()));
    headers->add("type", header.type);
    headers->add("schema", std::to_string(header.schema));
    headers->add("hash", to_hex(chain.hash));
    return out->produce_next(position, header.stream, bytes, headers, alert, config.events_topic,
                             config.alerts_topic, stop_waiting);
  }

  // Produces the positions after what was produced up to `target`, while librdkafka's queue
  // has room and neither `stop` nor Kafka being away says otherwise; the caller polls and
  // calls again. While every broker is down only what is in flight waits in memory (with
  // nothing in flight the next message goes out, to learn when Kafka is back). Only `stop`
  // interrupts a position half produced (its messages waiting for room): that position then
  // holds the cursor back, which is harmless when stopping.
  Status pump(Position target, const std::function<bool()>& stop) {
    auto give_up = [&] { return stop() || (out->brokers_down() && out->produced() > out->confirmed()); };
    while (out->produced() < target && out->has_room() && !give_up()) {
      const Position from = out->produced().next();
      const Position until(std::min(target.value(), from.value() + kScanSlice - 1));
      std::optional<Status> failed;
      std::uint64_t visited = 0;
      Status scanned = store.scan(from, [&](Position position, std::string_view bytes) {
        if (position > until || !out->has_room() || give_up()) return false;
        auto produced = produce(position, bytes, stop);
        if (!produced.ok()) {
          failed = produced.status();
          return false;
        }
        if (++visited % 1024 == 0) out->poll(0);
        return *produced;
      });
      REDLINE_RETURN_IF_ERROR(scanned);
      if (failed) return *failed;
      if (visited == 0 && out->has_room() && !give_up()) {
        return Status(ErrorCode::corruption, "position " + std::to_string(from.value()) +
                                                 " is below the head but missing from the log");
      }
      out->poll(0);
      REDLINE_RETURN_IF_ERROR(persist(false));
    }
    return Status::Ok();
  }

  // Writes the confirmed prefix to the cursor (at most every kPersistEvery unless forced).
  Status persist(bool force) {
    if (!out || out->confirmed() <= cursor->position()) return Status::Ok();
    const auto now = Clock::now();
    if (!force && now - last_persist < kPersistEvery) return Status::Ok();
    last_persist = now;
    return cursor->advance(out->confirmed());
  }

  std::string lag_text() const {
    const Position head = store.head().position;
    const std::uint64_t lag = head.value() - std::min(head.value(), cursor->position().value());
    return std::to_string(lag) + " events wait in the outbox after position " +
           std::to_string(cursor->position().value());
  }

  EventStore& store;
  KafkaConfig config;
  RelaySettings settings;
  AlertRenderer alerts;
  std::unique_ptr<RelayCursor> cursor;
  std::unique_ptr<OutboxProducer> out;
  Clock::time_point last_persist = Clock::now();
};

Relay::Relay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Relay::~Relay() {
  if (impl_ && impl_->out) (void)impl_->persist(true);
}

Position Relay::cursor() const { return impl_->cursor->position(); }

Result<std::unique_ptr<Relay>> Relay::open(EventStore& store, const KafkaConfig& config, RelaySettings settings) {
  if (config.brokers.empty()) {
    return kafka_error("Kafka is off: no brokers (give --kafka BROKERS, REDLINE_KAFKA or [kafka] brokers)");
  }
  std::unique_ptr<RelayCursor> cursor;
  REDLINE_ASSIGN(cursor, RelayCursor::open(store.options().path));
  auto impl = std::make_unique<Impl>(store, config, std::move(settings), std::move(cursor));
  REDLINE_RETURN_IF_ERROR(impl->new_producer());
  return std::unique_ptr<Relay>(new Relay(std::move(impl)));
}

Status Relay::ensure_topics(const std::atomic<bool>* stop, std::chrono::steady_clock::time_point until,
                            bool give_up_when_down) {
  rd_kafka_t* handle = impl_->out->producer().c_ptr();
  const KafkaConfig& config = impl_->config;
  char error[512];
  std::vector<rd_kafka_NewTopic_t*> topics;
  const std::string min_insync = std::to_string(config.min_insync_replicas);
  for (const std::string* name : {&config.events_topic, &config.alerts_topic}) {
    rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(name->c_str(), config.partitions,
                                                       config.replication_factor, error, sizeof error);
    if (topic == nullptr) {
      for (auto* t : topics) rd_kafka_NewTopic_destroy(t);
      return kafka_error("topic " + *name + ": " + error);
    }
    rd_kafka_NewTopic_set_config(topic, "min.insync.replicas", min_insync.c_str());
    if (name == &config.events_topic) {
      // The events topic is the log: it keeps everything.
      rd_kafka_NewTopic_set_config(topic, "retention.ms", "-1");
      rd_kafka_NewTopic_set_config(topic, "retention.bytes", "-1");
    }
    topics.push_back(topic);
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(handle);
  rd_kafka_CreateTopics(handle, topics.data(), topics.size(), nullptr, queue);
  rd_kafka_event_t* event = nullptr;
  const auto deadline = std::min(until, Clock::now() + std::chrono::milliseconds(internal::kKafkaAnswerTimeoutMs));
  bool all_down = false;
  while (event == nullptr && Clock::now() < deadline && !(stop != nullptr && stop->load()) && !all_down) {
    event = rd_kafka_queue_poll(queue, 100);
    impl_->out->poll(0);  // error events tell the relay's state meanwhile
    all_down = give_up_when_down && event == nullptr && impl_->out->brokers_down_for(kDownGrace);
  }
  Status outcome = kafka_error(all_down ? "creating topics: every broker at " + config.brokers + " is down"
                                        : "no answer from Kafka at " + config.brokers + " within " +
                                              std::to_string(internal::kKafkaAnswerTimeoutMs / 1000) +
                                              " s (creating topics)");
  if (event != nullptr) {
    outcome = Status::Ok();
    if (rd_kafka_event_error(event)) {
      outcome = kafka_error(std::string("creating topics: ") + rd_kafka_event_error_string(event));
    } else {
      const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
      size_t count = 0;
      const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
      for (size_t i = 0; i < count && outcome.ok(); ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
          outcome = kafka_error(std::string("topic ") + rd_kafka_topic_result_name(results[i]) + ": " +
                                rd_kafka_topic_result_error_string(results[i]));
        }
      }
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_queue_destroy(queue);
  for (auto* t : topics) rd_kafka_NewTopic_destroy(t);
  if (outcome.ok()) impl_->learn_leaders();
  return outcome;
}

Result<RelayProgress> Relay::publish_pending() {
  Impl& relay = *impl_;
  if (relay.settings.mode != RelayMode::single_pass) return kafka_error("publish_pending needs a single-pass relay");
  REDLINE_RETURN_IF_ERROR(relay.catch_up());
  const Position start = relay.cursor->position();
  const std::uint64_t alerts_before = relay.out->alerts_confirmed();
  const Position target = relay.store.head().position;
  const auto deadline = Clock::now() + std::chrono::milliseconds(relay.settings.pass_delivery_timeout_ms + 5'000);
  while (relay.out->confirmed() < target && relay.out->failure().empty() && Clock::now() < deadline) {
    REDLINE_RETURN_IF_ERROR(relay.pump(target, [] { return false; }));
    relay.out->poll(20);
    REDLINE_RETURN_IF_ERROR(relay.persist(false));
  }
  REDLINE_RETURN_IF_ERROR(relay.persist(true));
  RelayProgress progress{relay.cursor->position().value() - start.value(),
                         relay.out->alerts_confirmed() - alerts_before, relay.cursor->position()};
  if (progress.cursor < target) {
    const std::uint64_t missing = target.value() - progress.cursor.value();
    return kafka_error("Kafka did not confirm " + std::to_string(missing) + " of " +
                       std::to_string(target.value() - start.value()) + " events from position " +
                       std::to_string(progress.cursor.next().value()) + ": " +
                       (relay.out->failure().empty() ? "delivery timed out" : relay.out->failure()));
  }
  return progress;
}

Result<RelayProgress> Relay::run(const std::atomic<bool>& stop, std::chrono::milliseconds drain) {
  Impl& relay = *impl_;
  if (relay.settings.mode != RelayMode::continuous) return kafka_error("run needs a continuous relay");
  const Position start = relay.cursor->position();
  const std::uint64_t alerts_before = relay.out->alerts_confirmed();
  std::uint64_t alerts_of_old_producers = 0;
  const std::string& brokers = relay.config.brokers;
  relay.notice(RelayNotice::started, "relay: publishing " + relay.store.options().path + " to Kafka at " +
                                         brokers + " after position " + std::to_string(start.value()));
  enum class State { starting, up, away } state = State::starting;
  bool topics_ready = false;
  auto backoff = kFirstBackoff;
  const auto max_backoff = std::chrono::milliseconds(relay.config.retry_backoff_max_ms);
  auto back_off = [&] {
    sleep_unless_stopped(backoff, stop);
    backoff = std::min(backoff * 2, max_backoff);
  };
  auto went_away = [&](const std::string& why) {
    if (state != State::away) {
      relay.notice(RelayNotice::away, "relay: Kafka at " + brokers + " is unreachable (" + why + "); " +
                                          relay.lag_text() + "; retrying");
    }
    state = State::away;
  };
  auto came_back = [&] {
    relay.out->broker_answered();
    if (state == State::away) {
      relay.notice(RelayNotice::back, "relay: Kafka at " + brokers + " is reachable again; publishing after position " +
                                          std::to_string(relay.cursor->position().value()));
    }
    state = State::up;
    backoff = kFirstBackoff;
  };

  while (!stop.load()) {
    if (!relay.out) {
      REDLINE_RETURN_IF_ERROR(relay.new_producer());
      topics_ready = false;
    }
    if (!topics_ready) {
      // Kafka down when the relay starts is said at once; later attempts wait for an answer.
      Status topics = ensure_topics(&stop, Clock::time_point::max(), state == State::starting);
      if (!topics.ok()) {
        if (stop.load()) break;
        went_away(topics.message());
        back_off();
        continue;
      }
      topics_ready = true;
      came_back();
    }
    REDLINE_RETURN_IF_ERROR(relay.catch_up());
    const Position head = relay.store.head().position;
    REDLINE_RETURN_IF_ERROR(relay.pump(head, [&] { return stop.load(); }));
    const Position confirmed_before = relay.out->confirmed();
    relay.out->poll(static_cast<int>(relay.settings.poll_interval.count()));
    REDLINE_RETURN_IF_ERROR(relay.persist(false));

    const bool in_flight = relay.out->produced() > relay.out->confirmed();
    const bool stalled = in_flight && Clock::now() - relay.out->last_progress() > kStallAfter;
    if (!relay.out->failure().empty() || stalled) {
      // A message refused for good, a failed producer, or messages librdkafka holds without
      // an answer (as it may after a broker restart): a new producer starts over from the
      // cursor. What the old one had in flight may arrive twice; consumers drop it by position.
      REDLINE_RETURN_IF_ERROR(relay.persist(true));
      const std::string why = !relay.out->failure().empty()
                                  ? relay.out->failure()
                                  : "nothing confirmed for " + std::to_string(kStallAfter.count()) + " s";
      if (state != State::away) {
        relay.notice(RelayNotice::restarting, "relay: " + why + "; starting over after position " +
                                                  std::to_string(relay.cursor->position().value()) +
                                                  " with a new producer");
      }
      alerts_of_old_producers += relay.out->alerts_confirmed();
      relay.out.reset();
      state = State::away;
      back_off();
      continue;
    }
    if (relay.out->brokers_down_for(kDownGrace)) {
      went_away("every broker is down");
    } else if (relay.out->confirmed() > confirmed_before || (state == State::starting && !in_flight)) {
      came_back();
    }
  }

  // Stopping: what was committed until now, confirmed within `drain` if Kafka is there.
  const auto deadline = Clock::now() + drain;
  auto expired = [&] { return Clock::now() >= deadline; };
  // A command that ends before its relay has set the topics up (a short submit) still
  // publishes what it committed: the topics first, given at most kTopicsAtStop (a broker
  // that answers does so in milliseconds; an unreachable one must not hold the command).
  if (relay.out && !topics_ready && state != State::away) {
    topics_ready = ensure_topics(nullptr, std::min(deadline, Clock::now() + kTopicsAtStop)).ok();
  }
  if (relay.out && topics_ready && state != State::away) {
    REDLINE_RETURN_IF_ERROR(relay.catch_up());
    const Position head = relay.store.head().position;
    while (relay.out->confirmed() < head && relay.out->failure().empty() && !relay.out->brokers_down() &&
           !expired()) {
      REDLINE_RETURN_IF_ERROR(relay.pump(head, expired));
      relay.out->poll(10);
    }
  }
  REDLINE_RETURN_IF_ERROR(relay.persist(true));
  const std::uint64_t alerts =
      alerts_of_old_producers + (relay.out ? relay.out->alerts_confirmed() : 0) - alerts_before;
  const Position head = relay.store.head().position;
  relay.notice(RelayNotice::stopped, "relay: stopped at position " + std::to_string(relay.cursor->position().value()) +
               (relay.cursor->position() < head ? "; " + relay.lag_text() : ""));
  return RelayProgress{relay.cursor->position().value() - start.value(), alerts, relay.cursor->position()};
}

}  // namespace redline
