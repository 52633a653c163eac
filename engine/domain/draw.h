// The double-random draw (双随机) of PlanInspection, reproducible from its recorded seed on
// any build:
//
//   1. candidates = the ids to draw from, sorted ascending (bytewise);
//   2. rng = std::mt19937_64 seeded with `seed` (the standard fixes this engine's output);
//   3. for i in 0 .. count-1: j = i + rng() % (n - i); swap(candidates[i], candidates[j])
//      (a partial Fisher-Yates shuffle; `%` rather than a std:: distribution, whose
//      algorithm the standard leaves to each library);
//   4. the draw is candidates[0 .. count-1], in that order.
//
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace redline {

// count must be ≤ candidates.size().
std::vector<std::string> double_random_draw(const std::vector<std::string>& candidates,
                                            std::uint32_t count, std::uint64_t seed);
// The same for candidates already sorted (step 1 done), without checking that they are:
// the check compared every id of a county on each draw.
std::vector<std::string> draw_from_sorted(const std::vector<std::string>& sorted,
                                          std::uint32_t count, std::uint64_t seed);

}  // namespace redline
