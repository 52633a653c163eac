#include "engine/domain/draw.h"

#include <algorithm>
#include <random>

namespace redline {

std::vector<std::string> double_random_draw(std::vector<std::string> candidates,
                                            std::uint32_t count, std::uint64_t seed) {
  std::sort(candidates.begin(), candidates.end());
  std::mt19937_64 rng(seed);
  const std::size_t n = candidates.size();
  const std::size_t take = std::min<std::size_t>(count, n);
  for (std::size_t i = 0; i < take; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng() % (n - i));
    std::swap(candidates[i], candidates[j]);
  }
  candidates.resize(take);
  return candidates;
}

}  // namespace redline
