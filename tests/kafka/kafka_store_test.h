// The fixture the Kafka integration tests share: a store folder, topics of the test's own,
// a config file naming them, and `redline` run with both. Thread-compatible.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/support/kafka_env.h"
#include "tests/support/kafka_topic.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace redline::testing {

class KafkaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    brokers_ = test_kafka_brokers();
    data_ = dir_.sub("data");
    const std::string suffix = unique_topic_suffix();
    events_topic_ = "redline.test.events." + suffix;
    alerts_topic_ = "redline.test.alerts." + suffix;
    write_config("");
  }
  // The config: the test's topics, then `more` lines of [kafka].
  void write_config(const std::string& more) {
    config_ = dir_.sub("redline.toml");
    std::ofstream(config_) << "[kafka]\nevents_topic = \"" << events_topic_ << "\"\nalerts_topic = \""
                           << alerts_topic_ << "\"\n" << more;
  }
  std::string redline_line(const std::string& args) const {
    return redline_command(data_, "--config " + shell_quote(config_) + " " + args);
  }
  CommandOutput redline(const std::string& args) const { return run_command(redline_line(args)); }

  TempDir dir_;
  std::string brokers_, data_, config_, events_topic_, alerts_topic_;
};

}  // namespace redline::testing
