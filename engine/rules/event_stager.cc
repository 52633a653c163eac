#include "engine/rules/event_stager.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "engine/domain/directory.h"
#include "engine/store_layout.h"

namespace redline {
namespace {

constexpr std::string_view kHazardPrefix = "hazard-";

bool contains(const std::vector<DueItem>& items, const DueItem& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

}  // namespace

Result<StagedEvents> stage_events(StoreTransaction& txn, DomainCache& cache,
                                  const RulesConfig& rules, std::span<const NewEvent> events,
                                  std::optional<StreamVersion> expected_version) {
  // Everything the events change is loaded before anything is staged, so the folds below
  // cannot fail halfway.
  for (const NewEvent& event : events) REDLINE_RETURN_IF_ERROR(cache.preload(event));
  StagedEvents staged;
  REDLINE_ASSIGN(staged.append, txn.append(events, expected_version));
  stage_directory_entries(txn, events);

  // Each touched hazard's items before its first event here; diffed once after the last.
  std::vector<std::pair<std::string_view, std::vector<DueItem>>> touched;
  Position position = staged.append.first_position;
  for (const NewEvent& event : events) {
    if (event.stream.starts_with(kHazardPrefix)) {
      const std::string_view id = std::string_view(event.stream).substr(kHazardPrefix.size());
      const bool seen = std::any_of(touched.begin(), touched.end(),
                                    [&](const auto& entry) { return entry.first == id; });
      if (!seen) {
        const HazardState* hazard = *cache.hazard(id);  // preloaded: cannot fail
        touched.emplace_back(id, hazard_due_items(id, *hazard, rules));
      }
    } else if (const auto* started = std::get_if<CampaignStarted>(&event.data)) {
      for (DueItem& item : campaign_due_items(*started, position)) {
        staged.armed.push_back(std::move(item));
      }
    }
    (void)cache.apply(event, position);  // preloaded: only folds
    position = Position(position.value() + 1);
  }
  for (auto& [id, before] : touched) {
    const HazardState* hazard = *cache.hazard(id);
    std::vector<DueItem> after = hazard_due_items(id, *hazard, rules);
    for (DueItem& item : before) {
      if (!contains(after, item)) staged.disarmed.push_back(std::move(item));
    }
    for (DueItem& item : after) {
      if (!contains(before, item)) staged.armed.push_back(std::move(item));
    }
  }
  for (const DueItem& item : staged.disarmed) txn.erase(layout::kDeadlinesFamily, due_key(item));
  for (const DueItem& item : staged.armed) {
    txn.put(layout::kDeadlinesFamily, due_key(item), due_value(item));
  }
  return staged;
}

}  // namespace redline
