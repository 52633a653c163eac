// The rules benchmark (issue 5): command handling with the reactive rules on against off,
// same commands, same run; and `tick` over a store of 1M open hazards when none is due and
// when 0.1% and 1% are due.
#pragma once

#include <string>

namespace redline::bench {

struct RulesBenchOptions {
  std::string dir;
  int institutions = 80'000;  // the simulated city of the on/off comparison
  int days = 40;
  int rounds = 1;
  std::size_t open_hazards = 1'000'000;
};

// Prints its figures; returns false on a failure (after printing it).
bool run_rules_bench(const RulesBenchOptions& options);

}  // namespace redline::bench
