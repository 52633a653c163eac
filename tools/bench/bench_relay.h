// The relay benchmark (issue 6): `Relay::publish_pending` against a raw librdkafka producer
// sending the same envelopes with the same headers and settings to the same broker, in the
// same run; and alert latency from a command's commit to a consumer of the alerts topic.
#pragma once

#include <string>

namespace redline::bench {

struct RelayBenchOptions {
  std::string dir;
  std::string brokers;
  int institutions = 8'000;  // the simulated city whose log is published
  int days = 40;
  int alerts = 200;          // latency samples
};

// Prints its figures; returns false on a failure (after printing it).
bool run_relay_bench(const RelayBenchOptions& options);

}  // namespace redline::bench
