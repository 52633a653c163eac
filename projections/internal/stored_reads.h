// StoredReads: reads of a projection's stored keys that may run on several threads at once,
// and where to split them between two. The runner's batch offers it to
// Projection::after_fold(), where nothing is pending and the store alone holds the
// projection's keys; a projection asks for it with dynamic_cast, as for UnindexedPut
// (state_cache.h). Internal to the built-in projections. Thread-safe: const reads only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "events/status.h"

namespace redline::internal {

class StoredReads {
 public:
  virtual ~StoredReads() = default;
  // The projection's keys starting with `prefix` from the first at or after `from` and
  // before `to` (empty: to the prefix's end), in order, until the visitor returns false.
  virtual Status scan_range(std::string_view prefix, std::string_view from, std::string_view to,
                            const std::function<bool(std::string_view key, std::string_view value)>& visitor) const = 0;
  // A key within `prefix` dividing the bytes under it about in half; empty when they are
  // fewer than the settings' split_reads_from_bytes (ProjectionStore::middle_key).
  virtual std::string middle_key(std::string_view prefix) const = 0;
};

}  // namespace redline::internal
