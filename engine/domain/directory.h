// The institution directory: which institutions are registered in which county, kept in
// the store's `directory` column family in the same commits as their InstitutionRegistered
// events, so a double-random draw reads its candidates without scanning the log.
// Functions are thread-safe (they only read the store).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/event_store.h"

namespace redline {

std::string institution_directory_key(std::string_view county, std::string_view institution_id);

// Stages the directory entries that `events` imply (InstitutionRegistered) into `txn`.
void stage_directory_entries(StoreTransaction& txn, const std::vector<NewEvent>& events);

// The ids of the county's registered institutions (every county's when county is empty),
// committed ones only, sorted.
Result<std::vector<std::string>> registered_institutions(const EventStore& store,
                                                         const std::optional<std::string>& county);

}  // namespace redline
