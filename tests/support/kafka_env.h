// Where tests find the Kafka broker that `make test` starts: REDLINE_TEST_KAFKA. Without it,
// or when the broker does not answer, a test skips locally and fails in CI (CI=true): a
// test that needs the broker never passes silently there.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace redline::testing {

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// The broker list, or "" when none is configured.
inline std::string test_kafka_brokers() {
  const char* brokers = std::getenv("REDLINE_TEST_KAFKA");
  return brokers == nullptr ? "" : brokers;
}

}  // namespace redline::testing

// In a TEST body: stop the test (skip locally, fail in CI) with `why`.
#define REDLINE_REQUIRE_BROKER(available, why)                                 \
  do {                                                                         \
    if (!(available)) {                                                        \
      if (::redline::testing::in_ci()) FAIL() << "Kafka broker needed: " << why; \
      GTEST_SKIP() << "Kafka broker not available: " << why;                   \
    }                                                                          \
  } while (0)
