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
