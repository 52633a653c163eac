#include "engine/domain/draw.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace redline {

std::vector<std::string> double_random_draw(const std::vector<std::string>& candidates,
                                            std::uint32_t count, std::uint64_t seed) {
  if (!std::is_sorted(candidates.begin(), candidates.end())) {
    std::vector<std::string> sorted = candidates;
    std::sort(sorted.begin(), sorted.end());
    return double_random_draw(sorted, count, seed);
  }
  // The shuffle of step 3 on positions, so only the drawn ids are copied.
  std::mt19937_64 rng(seed);
  const std::size_t n = candidates.size();
  const std::size_t take = std::min<std::size_t>(count, n);
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::vector<std::string> drawn;
  drawn.reserve(take);
  for (std::size_t i = 0; i < take; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng() % (n - i));
    std::swap(order[i], order[j]);
    drawn.push_back(candidates[order[i]]);
  }
  return drawn;
}

}  // namespace redline
