#include "engine/rules/deadline_audit.h"

#include <rocksdb/db.h>

#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "engine/domain/state.h"
#include "engine/rules/due_items.h"
#include "engine/rules/tick.h"
#include "engine/store_layout.h"
#include "events/codec.h"
#include "events/time.h"

namespace redline {
namespace {

constexpr std::size_t kDifferencesShown = 10;

std::string describe(const DueItem& item) {
  return std::string(to_string(item.kind)) + " of " + item.subject + " due " + format_instant(item.due) +
         " (armed by position " + std::to_string(item.caused_by.value()) + ")";
}

}  // namespace

Result<DeadlineAudit> audit_deadline_index(const EventStore& store, const RulesConfig& rules) {
  DeadlineAudit audit;
  std::optional<Timestamp> ticked;
  REDLINE_ASSIGN(ticked, last_tick(store));

  // What the log implies.
  std::unordered_map<std::string, HazardState> hazards;
  std::map<std::string, DueItem> implied_items;
  std::optional<Status> failed;
  REDLINE_RETURN_IF_ERROR(store.scan(Position(1), [&](Position position, std::string_view bytes) {
    ++audit.events_read;
    auto header = decode_header(bytes);
    if (!header.ok()) {
      failed = header.status();
      return false;
    }
    const bool hazard = header->stream.starts_with(kHazardStreamPrefix);
    if (!hazard && header->type != "CampaignStarted") return true;
    auto event = decode_envelope(bytes);
    if (!event.ok()) {
      failed = event.status();
      return false;
    }
    if (hazard) {
      apply(hazards[header->stream.substr(kHazardStreamPrefix.size())], facts_of(*event));
    } else if (const auto* started = std::get_if<CampaignStarted>(&event->data)) {
      for (DueItem& item : campaign_due_items(*started, position)) {
        if (ticked && item.due <= *ticked) continue;  // a tick handled it
        implied_items.emplace(due_key(item), std::move(item));
      }
    }
    return true;
  }));
  if (failed) return *failed;
  for (const auto& [id, state] : hazards) {
    for (DueItem& item : hazard_due_items(id, state, rules)) implied_items.emplace(due_key(item), std::move(item));
  }
  audit.items_implied = implied_items.size();

  // What the index holds, walked beside it in key order.
  auto note = [&audit](std::string text) {
    if (audit.differences.size() < kDifferencesShown) audit.differences.push_back(std::move(text));
    ++audit.difference_count;
  };
  std::unique_ptr<rocksdb::Iterator> it(
      store.db()->NewIterator(rocksdb::ReadOptions(), store.family(layout::kDeadlinesFamily)));
  auto expected = implied_items.begin();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++audit.items_stored;
    const std::string key(it->key().data(), it->key().size());
    const std::string_view value(it->value().data(), it->value().size());
    while (expected != implied_items.end() && expected->first < key) {
      note("missing: " + describe(expected->second));
      ++expected;
    }
    auto item = parse_due_item(key, value);
    if (!item) {
      note("unexpected: an entry that is not a deadline item");
      continue;
    }
    if (expected != implied_items.end() && expected->first == key) {
      if (!(expected->second == *item)) {
        note("unexpected: " + describe(*item) + " instead of " + describe(expected->second));
      }
      ++expected;
    } else {
      note("unexpected: " + describe(*item));
    }
  }
  if (!it->status().ok()) {
    return Status(ErrorCode::storage_error, "cannot read the deadline index: " + it->status().ToString());
  }
  for (; expected != implied_items.end(); ++expected) note("missing: " + describe(expected->second));
  return audit;
}

}  // namespace redline
