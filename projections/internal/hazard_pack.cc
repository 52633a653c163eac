#include "projections/internal/hazard_pack.h"

#include <algorithm>
#include <functional>
#include <future>
#include <iterator>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/event_store.h"
#include "engine/store_layout.h"
#include "projections/builtin_projections.h"
#include "projections/hazard_history.h"
#include "projections/internal/state_cache.h"
#include "projections/internal/stored_reads.h"

namespace redline::internal {
namespace {

using Visitor = std::function<bool(std::string_view key, std::string_view value)>;
using Scan = std::function<Status(const Visitor&)>;

// The hazards changed since the last snapshot ("pending": one id a line); the views point
// into `*ids`.
Status changed_since_snapshot(ProjectionBatch& batch, std::string* ids,
                              std::unordered_set<std::string_view, StringHash, std::equal_to<>>* changed) {
  auto pending = batch.get(history::kPendingKey);
  if (!pending.ok()) return pending.status();
  *ids = pending->value_or("");
  for (std::string_view rest = *ids; !rest.empty();) {
    const auto end = rest.find('\n');
    changed->insert(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return Status::Ok();
}

// The pre-images at `snapshot`: by hazard id, each its encoded state there.
Status pre_images_at(ProjectionBatch& batch, Position snapshot,
                     std::unordered_map<std::string, std::string, StringHash, std::equal_to<>>* states) {
  Status read = Status::Ok();
  REDLINE_RETURN_IF_ERROR(batch.scan(history::pre_image_key(snapshot, ""), [&](std::string_view, std::string_view value) {
    history::StateRun run(value);
    std::string_view id, state;
    while (run.next(&id, &state)) states->emplace(id, state);
    if (run.malformed()) {
      read = Status(ErrorCode::corruption,
                    "malformed hazard_status pre-images at snapshot " + std::to_string(snapshot.value()));
    }
    return read.ok();
  }));
  return read;
}

}  // namespace

Status write_hazard_pack(ProjectionBatch& batch, Position snapshot) {
  std::string changed_ids;
  std::unordered_set<std::string_view, StringHash, std::equal_to<>> changed;
  REDLINE_RETURN_IF_ERROR(changed_since_snapshot(batch, &changed_ids, &changed));
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> at_snapshot;
  REDLINE_RETURN_IF_ERROR(pre_images_at(batch, snapshot, &at_snapshot));
  std::vector<std::string> old_runs;
  REDLINE_RETURN_IF_ERROR(batch.scan(history::kPackPrefix, [&](std::string_view key, std::string_view) {
    old_runs.emplace_back(key);
    return true;
  }));

  // The hazards whose keys one scan visits, packed into runs of their own (the two threads'
  // puts take turns).
  std::mutex putting;
  UnreadPuts puts(batch);
  const std::string_view state_prefix = kHazardStateKeyPrefix;
  auto pack = [&](const Scan& scan, std::vector<std::string>* keys) -> Status {
    std::string run, first_id;
    std::size_t in_run = 0;
    auto put_run = [&] {
      keys->emplace_back(history::kPackPrefix).append(first_id);
      {
        std::lock_guard<std::mutex> lock(putting);
        puts.put(keys->back(), run);
      }
      run.clear();
      in_run = 0;
    };
    REDLINE_RETURN_IF_ERROR(scan([&](std::string_view key, std::string_view value) {
      const std::string_view id = key.substr(state_prefix.size());
      std::string_view state = value;
      if (changed.contains(id)) {
        const auto before = at_snapshot.find(id);
        if (before == at_snapshot.end()) return true;  // reported after the snapshot
        state = before->second;
      }
      if (in_run == 0) first_id.assign(id);
      history::append_to_run(id, state, &run);
      if (++in_run == history::kStatesPerRun) put_run();
      return true;
    }));
    if (in_run > 0) put_run();
    return Status::Ok();
  };

  // Two scans, each on its own thread, take the two halves of many states.
  const auto* reads = dynamic_cast<const StoredReads*>(&batch);
  const std::string middle = reads != nullptr ? reads->middle_key(state_prefix) : std::string();
  std::vector<std::string> new_runs, upper_runs;
  if (middle.empty()) {
    REDLINE_RETURN_IF_ERROR(pack([&](const Visitor& visitor) { return batch.scan(state_prefix, visitor); }, &new_runs));
  } else {
    auto upper = std::async(std::launch::async, [&] {
      return pack([&](const Visitor& visitor) { return reads->scan_range(state_prefix, middle, {}, visitor); },
                  &upper_runs);
    });
    const Status lower = pack(
        [&](const Visitor& visitor) { return reads->scan_range(state_prefix, state_prefix, middle, visitor); },
        &new_runs);
    REDLINE_RETURN_IF_ERROR(upper.get());
    REDLINE_RETURN_IF_ERROR(lower);
    new_runs.insert(new_runs.end(), std::make_move_iterator(upper_runs.begin()),
                    std::make_move_iterator(upper_runs.end()));
  }
  // The runs of the previous pack that no new run replaced (both lists are in key order).
  std::vector<std::string> stale;
  std::set_difference(old_runs.begin(), old_runs.end(), new_runs.begin(), new_runs.end(), std::back_inserter(stale));
  for (const auto& key : stale) batch.erase(key);
  std::string recorded;
  layout::append_u64_be(&recorded, snapshot.value());
  batch.put(history::kPackedAtKey, recorded);
  return Status::Ok();
}

}  // namespace redline::internal
