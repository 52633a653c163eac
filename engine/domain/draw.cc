#include "engine/domain/draw.h"

#include <algorithm>
#include <random>

#include <absl/container/flat_hash_map.h>

namespace redline {

std::vector<std::string> double_random_draw(const std::vector<std::string>& candidates,
                                            std::uint32_t count, std::uint64_t seed) {
  if (!std::is_sorted(candidates.begin(), candidates.end())) {
    std::vector<std::string> sorted = candidates;
    std::sort(sorted.begin(), sorted.end());
    return draw_from_sorted(sorted, count, seed);
  }
  return draw_from_sorted(candidates, count, seed);
}

std::vector<std::string> draw_from_sorted(const std::vector<std::string>& sorted,
                                          std::uint32_t count, std::uint64_t seed) {
  // The shuffle of step 3 on positions, recording only the positions it moved: a draw of a
  // few institutions from a county's thousands touches a few entries, not all of them.
  std::mt19937_64 rng(seed);
  const std::size_t n = sorted.size();
  const std::size_t take = std::min<std::size_t>(count, n);
  absl::flat_hash_map<std::size_t, std::size_t> moved;  // position → what is there now
  auto at = [&moved](std::size_t position) {
    auto found = moved.find(position);
    return found == moved.end() ? position : found->second;
  };
  std::vector<std::string> drawn;
  drawn.reserve(take);
  for (std::size_t i = 0; i < take; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng() % (n - i));
    const std::size_t at_i = at(i);
    const std::size_t at_j = at(j);
    moved[i] = at_j;
    moved[j] = at_i;
    drawn.push_back(sorted[at_j]);
  }
  return drawn;
}

}  // namespace redline
