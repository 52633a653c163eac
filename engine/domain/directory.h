// The write side's directory: lookups kept in the store's `directory` column family in the
// same commits as the events that imply them, so the domain and the rules find what they
// need without scanning the log:
//   "institution/" county 0x00 institution_id → ""          (double-random draws, campaigns)
//   "county-bureau/" unit_id → ""                           (campaign obligations)
//   "report/" county 0x00 category 0x00 instant 0x00 hazard_id → institution_id  (systemic)
// Functions are thread-safe (they only read the store).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/event_store.h"

namespace redline {

std::string institution_directory_key(std::string_view county, std::string_view institution_id);

// Stages the directory entries that `events` imply (InstitutionRegistered, UnitRegistered
// of county bureaus, HazardReported) into `txn`.
void stage_directory_entries(StoreTransaction& txn, std::span<const NewEvent> events);

// The ids of the county's registered institutions (every county's when county is empty),
// committed ones only, sorted.
Result<std::vector<std::string>> registered_institutions(const EventStore& store,
                                                         const std::optional<std::string>& county);

// The ids of the registered county-bureau units, committed ones only, sorted.
Result<std::vector<std::string>> county_bureau_units(const EventStore& store);

// A hazard report as the systemic rule counts it.
struct CategoryReport {
  Timestamp occurred_at;
  std::string hazard_id;
  std::string institution_id;
  auto operator<=>(const CategoryReport&) const = default;
};
// Every committed report of `category` in `county`, in (occurred_at, hazard_id) order.
Result<std::vector<CategoryReport>> category_reports(const EventStore& store,
                                                     std::string_view county, Category category);

}  // namespace redline
