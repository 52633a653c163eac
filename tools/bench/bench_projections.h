// The projections benchmark (issue 4): rebuilding hazard_status over a large simulated
// store (events/s and the rebuilding process's peak RSS), a declarative count projection
// over the same store, and an --as-of read near the head of a smaller store against a full
// rebuild of it.
#pragma once

#include <string>

namespace redline::bench {

struct ProjectionBenchOptions {
  std::string dir;
  std::string redline_binary;  // runs the rebuild as `redline projection rebuild`
  int large_days = 460;        // 80,000 institutions: about 10M events
  int small_days = 40;         // about 1M events
  int rounds = 3;              // timed rebuilds and raw scans; the best is kept, each shown
};

bool run_projection_bench(const ProjectionBenchOptions& options);

// The --as-of figure alone, on the store at `store_dir`: built there (a city of the default
// small_days) when it holds no store, kept afterwards so that runs after it skip the build.
bool run_as_of_bench(const std::string& store_dir, int rounds);

}  // namespace redline::bench
