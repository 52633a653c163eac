// Running a child process for a benchmark (the real `redline` binary): its wall time and
// its own peak RSS. Used from the benchmark's single thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace redline::bench {

// Runs args[0] with args, stdout to /dev/null; returns seconds and peak RSS (KiB). Throws
// when it cannot start or exits non-zero.
std::pair<double, long> run_child(std::vector<std::string> args);

}  // namespace redline::bench
