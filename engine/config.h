// Redline's configuration: plain structs with the documented defaults of
// config/redline.toml, and the TOML loader. A bad file is an error naming the key and the
// problem. Values; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/enums.h"
#include "events/status.h"

namespace redline {

struct StoreConfig {
  // fsync the WAL on every commit. A multi-command submit groups its commands so one fsync
  // serves many. Default: true.
  bool sync = true;
};

struct KafkaConfig {
  // Bootstrap brokers ("127.0.0.1:9092"). Empty = Kafka off. Overridden by --kafka and
  // REDLINE_KAFKA. Default: "".
  std::string brokers;
  // Default: "redline.events".
  std::string events_topic = "redline.events";
  // Default: "redline.alerts".
  std::string alerts_topic = "redline.alerts";
  // Partitions of topics Redline creates. Default: 1 (keeps the total order visible).
  std::int32_t partitions = 1;
  // Replication factor of topics Redline creates. Default: 1.
  std::int32_t replication_factor = 1;
  // min.insync.replicas of topics Redline creates (with acks=all, how many replicas must
  // hold a message before it counts as delivered). Default: 1; at most replication_factor.
  std::int32_t min_insync_replicas = 1;
  // The longest pause between the relay's attempts to reach a broker that is away (the
  // pause starts at 100 ms and doubles up to this). Default: 5000.
  std::int32_t retry_backoff_max_ms = 5'000;
  // How long a command that relays as it writes (submit, tick) waits when it ends for Kafka
  // to confirm its events; what is left stays in the outbox for the next relay. Default: 10000.
  std::int32_t drain_ms = 10'000;
};

// The rule parameters of SPEC §4 (config `[rules]`). The write side and the rule engine
// read them when they decide; folds of stored events never do, so replaying the log gives
// the same state whatever the configuration is now.
struct RulesConfig {
  // A general hazard's rectification deadline (and plan limit) after classification. Default: 7.
  std::int32_t general_rectification_days = 7;
  // A major hazard's plan deadline after classification. Default: 3.
  std::int32_t major_plan_days = 3;
  // A major hazard's rectification limit after classification. Default: 90.
  std::int32_t major_rectification_days = 90;
  // still-overdue: a missed hazard escalates again every this many days. Default: 7.
  std::int32_t escalation_interval_days = 7;
  // verification-overdue: days a submission may wait for verification. Default: 5.
  std::int32_t verification_days = 5;
  // systemic: distinct institutions of one county reporting one category… Default: 3.
  std::int32_t systemic_threshold = 3;
  // …within this many days; also the quiet period after an identification. Default: 30.
  std::int32_t systemic_window_days = 30;
  // The levels an escalation climbs, lowest first; starts at institution. Default: all four.
  std::vector<EscalationLevel> escalation_ladder = {
      EscalationLevel::institution, EscalationLevel::county, EscalationLevel::city,
      EscalationLevel::government};
  // The level major-listing lists a major hazard at. Default: city.
  ListingLevel major_listing_level = ListingLevel::city;
  // Minimum size of a summary's photos (jpg, png, psd). Default: 1920 x 1080.
  std::int32_t summary_photo_min_width = 1920;
  std::int32_t summary_photo_min_height = 1080;
  // Minimum size of a summary's videos (mp4, mpg, avi, mts). Default: 1280 x 720.
  std::int32_t summary_video_min_width = 1280;
  std::int32_t summary_video_min_height = 720;

  bool operator==(const RulesConfig&) const = default;
};

struct ProjectionsConfig {
  // hazard_status keeps a history snapshot every this many events; --as-of reads re-fold
  // at most about this many events.
  std::int32_t snapshot_every = 50'000;
};

struct Config {
  StoreConfig store;
  ProjectionsConfig projections;
  KafkaConfig kafka;
  RulesConfig rules;
};

// Parses TOML text; `source` names it in errors. Unknown tables and keys are errors (a typo
// must not silently fall back to a default).
Result<Config> parse_config(std::string_view toml_text, const std::string& source);

// Loads a file. A missing file gives the built-in defaults when `must_exist` is false.
Result<Config> load_config(const std::string& path, bool must_exist);

}  // namespace redline
