#include "engine/rules/event_stager.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "engine/domain/directory.h"
#include "engine/store_layout.h"
#include "events/codec.h"

namespace redline {
namespace {


bool contains(const std::vector<DueItem>& items, const DueItem& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

}  // namespace

namespace {

// The directory entries, deadline index changes and cache folds of `events`, staged at
// `first_position` on; every state they change must be loaded.
void stage_effects(StoreTransaction& txn, DomainCache& cache, const RulesConfig& rules,
                   std::span<const NewEvent> events, Position first_position,
                   StagedEvents* staged) {
  stage_directory_entries(txn, events);
  // Each touched hazard's items before its first event here; diffed once after the last.
  std::vector<std::pair<std::string_view, std::vector<DueItem>>> touched;
  Position position = first_position;
  for (const NewEvent& event : events) {
    if (event.stream.starts_with(kHazardStreamPrefix)) {
      const std::string_view id = std::string_view(event.stream).substr(kHazardStreamPrefix.size());
      const bool seen = std::any_of(touched.begin(), touched.end(),
                                    [&](const auto& entry) { return entry.first == id; });
      if (!seen) {
        const HazardState* hazard = *cache.hazard(id);  // preloaded: cannot fail
        touched.emplace_back(id, hazard_due_items(id, *hazard, rules));
      }
    } else if (const auto* started = std::get_if<CampaignStarted>(&event.data)) {
      for (DueItem& item : campaign_due_items(*started, position)) {
        staged->armed.push_back(std::move(item));
      }
    }
    (void)cache.apply(event, position);  // preloaded: only folds
    position = Position(position.value() + 1);
  }
  for (auto& [id, before] : touched) {
    const HazardState* hazard = *cache.hazard(id);
    std::vector<DueItem> after = hazard_due_items(id, *hazard, rules);
    for (DueItem& item : before) {
      if (!contains(after, item)) staged->disarmed.push_back(std::move(item));
    }
    for (DueItem& item : after) {
      if (!contains(before, item)) staged->armed.push_back(std::move(item));
    }
  }
  for (const DueItem& item : staged->disarmed) txn.erase(layout::kDeadlinesFamily, due_key(item));
  for (const DueItem& item : staged->armed) {
    txn.put(layout::kDeadlinesFamily, due_key(item), due_value(item));
  }
}

}  // namespace

Result<StagedEvents> stage_events(StoreTransaction& txn, DomainCache& cache,
                                  const RulesConfig& rules, std::span<const NewEvent> events,
                                  std::optional<StreamVersion> expected_version) {
  // Everything the events change is loaded before anything is staged, so the folds cannot
  // fail halfway.
  for (const NewEvent& event : events) REDLINE_RETURN_IF_ERROR(cache.preload(event));
  StagedEvents staged;
  REDLINE_ASSIGN(staged.append, txn.append(events, expected_version));
  stage_effects(txn, cache, rules, events, staged.append.first_position, &staged);
  return staged;
}

Result<StagedEvents> stage_stored_event(StoreTransaction& txn, DomainCache& cache,
                                        const RulesConfig& rules, std::string_view bytes) {
  Envelope stored;
  REDLINE_ASSIGN(stored, decode_envelope(bytes));
  const NewEvent event{stored.stream, std::move(stored.data), stored.occurred_at, stored.actor,
                       stored.command_id, stored.caused_by, stored.rule};
  REDLINE_RETURN_IF_ERROR(cache.preload(event));
  Position position;
  REDLINE_ASSIGN(position, txn.append_stored(bytes));
  StagedEvents staged;
  staged.append = StagedAppend{position, position, event.stream, stored.version,
                               {std::string(event_type_name(event.data))}};
  stage_effects(txn, cache, rules, std::span<const NewEvent>(&event, 1), position, &staged);
  return staged;
}

}  // namespace redline
