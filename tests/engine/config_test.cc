#include "engine/config.h"

#include <gtest/gtest.h>

namespace redline {
namespace {

TEST(Config, DefaultsWhenEmptyOrAbsent) {
  auto config = parse_config("", "test.toml");
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->store.sync);
  EXPECT_EQ(config->kafka.brokers, "");
  EXPECT_EQ(config->kafka.events_topic, "redline.events");
  auto absent = load_config("/nonexistent/redline.toml", false);
  ASSERT_TRUE(absent.ok());
  EXPECT_TRUE(absent->store.sync);
  EXPECT_EQ(load_config("/nonexistent/redline.toml", true).status().code(),
            ErrorCode::config_error);
}

TEST(Config, ShippedFileParsesToTheBuiltInDefaults) {
  auto shipped = load_config(std::string(REDLINE_SOURCE_DIR) + "/config/redline.toml", true);
  ASSERT_TRUE(shipped.ok()) << shipped.status().to_string();
  const Config defaults;
  EXPECT_EQ(shipped->store.sync, defaults.store.sync);
  EXPECT_EQ(shipped->kafka.brokers, defaults.kafka.brokers);
  EXPECT_EQ(shipped->kafka.events_topic, defaults.kafka.events_topic);
  EXPECT_EQ(shipped->kafka.alerts_topic, defaults.kafka.alerts_topic);
  EXPECT_EQ(shipped->kafka.partitions, defaults.kafka.partitions);
  EXPECT_EQ(shipped->kafka.replication_factor, defaults.kafka.replication_factor);
  EXPECT_EQ(shipped->kafka.min_insync_replicas, defaults.kafka.min_insync_replicas);
  EXPECT_EQ(shipped->kafka.retry_backoff_max_ms, defaults.kafka.retry_backoff_max_ms);
  EXPECT_EQ(shipped->kafka.drain_ms, defaults.kafka.drain_ms);
  EXPECT_EQ(shipped->rules, defaults.rules);
  EXPECT_EQ(shipped->projections.snapshot_every, defaults.projections.snapshot_every);
}

TEST(Config, ReadsTheRules) {
  auto config = parse_config(
      "[rules]\ngeneral_rectification_days = 5\nescalation_interval_days = 3\nverification_days = 2\n"
      "systemic_threshold = 4\nsystemic_window_days = 14\n"
      "escalation_ladder = [\"institution\", \"city\"]\nmajor_listing_level = \"county\"\n",
      "test.toml");
  ASSERT_TRUE(config.ok()) << config.status().to_string();
  const RulesConfig& r = config->rules;
  EXPECT_EQ(r.general_rectification_days, 5);
  EXPECT_EQ(r.escalation_interval_days, 3);
  EXPECT_EQ(r.verification_days, 2);
  EXPECT_EQ(r.systemic_threshold, 4);
  EXPECT_EQ(r.systemic_window_days, 14);
  EXPECT_EQ(r.escalation_ladder,
            (std::vector<EscalationLevel>{EscalationLevel::institution, EscalationLevel::city}));
  EXPECT_EQ(r.major_listing_level, ListingLevel::county);
  EXPECT_EQ(r.major_plan_days, 3);  // untouched keys keep their defaults
}

TEST(Config, ReadsValues) {
  auto config = parse_config("[store]\nsync = false\n[kafka]\nbrokers = \"127.0.0.1:9092\"\n",
                             "test.toml");
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->store.sync);
  EXPECT_EQ(config->kafka.brokers, "127.0.0.1:9092");
}

TEST(Config, ErrorsNameTheKeyAndTheProblem) {
  struct Case {
    const char* text;
    const char* expected;
  };
  for (const Case& c : {Case{"[store]\nsync = \"yes\"\n", "store.sync must be a boolean"},
                        Case{"[store]\nsnyc = true\n", "unknown key store.snyc"},
                        Case{"[stroe]\n", "unknown table [stroe]"},
                        Case{"[kafka]\npartitions = 0\n", "kafka.partitions must be between"},
                        Case{"[kafka]\npartitions = 1.5\n", "kafka.partitions must be an integer"},
                        Case{"[kafka]\nreplication_factor = 3\nmin_insync_replicas = 4\n",
                             "kafka.min_insync_replicas (4) is larger than kafka.replication_factor (3)"},
                        Case{"[kafka]\ndrain_ms = -1\n", "kafka.drain_ms must be between"},
                        Case{"[kafka]\nretry_backoff_max_ms = 0\n", "kafka.retry_backoff_max_ms must be between"},
                        Case{"[rules]\nsystemic_threshold = 0\n", "rules.systemic_threshold must be between"},
                        Case{"[rules]\nverification_days = \"5\"\n", "rules.verification_days must be an integer"},
                        Case{"[rules]\nmajor_listing_level = \"province\"\n",
                             "rules.major_listing_level: 'province' is not one of county, city"},
                        Case{"[rules]\nescalation_ladder = \"city\"\n",
                             "rules.escalation_ladder must be an array of strings"},
                        Case{"[rules]\nescalation_ladder = [\"institution\", \"mayor\"]\n",
                             "rules.escalation_ladder: 'mayor' is not one of institution, county, city, government"},
                        Case{"[rules]\nescalation_ladder = [\"county\", \"city\"]\n",
                             "rules.escalation_ladder must start with \"institution\""},
                        Case{"[rules]\nescalation_ladder = [\"institution\", \"city\", \"county\"]\n",
                             "rules.escalation_ladder must list levels from lowest to highest"},
                        Case{"[rules]\nescalation_days = 3\n", "unknown key rules.escalation_days"},
                        Case{"[store\n", "test.toml"}}) {
    auto config = parse_config(c.text, "test.toml");
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.status().code(), ErrorCode::config_error);
    EXPECT_NE(config.status().message().find(c.expected), std::string::npos)
        << config.status().message();
  }
}

}  // namespace
}  // namespace redline
