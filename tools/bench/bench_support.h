// What the benchmark sections share: the clock, failing loudly, a fresh store. For
// redline-bench only; thread-compatible.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "engine/event_store.h"

namespace redline::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A benchmark that cannot run its workload stops with the reason.
inline void check(const Status& status) {
  if (!status.ok()) throw std::runtime_error(status.to_string());
}

// An empty store at `path` (whatever was there is removed), fsync on.
inline std::unique_ptr<EventStore> fresh_store(const std::string& path) {
  std::filesystem::remove_all(path);
  auto store = EventStore::open(StoreOptions{path, /*sync=*/true, true});
  if (!store.ok()) throw std::runtime_error(store.status().to_string());
  return std::move(store).value();
}

}  // namespace redline::bench
