// The `submit` benchmark (issue 3): command handling (parse, validate, decide, append)
// against appending the same events directly through the store, in the same run; and the
// real `redline submit` binary's time and peak memory on simulated cities of two sizes.
#pragma once

#include <string>

namespace redline::bench {

struct SubmitBenchOptions {
  std::string dir;
  std::string redline_binary;  // for the end-to-end runs; empty to skip them
  int institutions = 80'000;   // about 1M commands over 40 days
  int days = 40;
  int rounds = 1;
};

// Prints its figures; returns false on a failure (after printing it).
bool run_submit_bench(const SubmitBenchOptions& options);

}  // namespace redline::bench
