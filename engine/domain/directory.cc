#include "engine/domain/directory.h"

#include <rocksdb/db.h>

#include <algorithm>

#include "engine/store_layout.h"

namespace redline {
namespace {
constexpr std::string_view kInstitutionPrefix = "institution/";
}

std::string institution_directory_key(std::string_view county, std::string_view institution_id) {
  std::string key(kInstitutionPrefix);
  key.append(county);
  key.push_back('\0');
  key.append(institution_id);
  return key;
}

void stage_directory_entries(StoreTransaction& txn, const std::vector<NewEvent>& events) {
  for (const NewEvent& event : events) {
    if (const auto* registered = std::get_if<InstitutionRegistered>(&event.data)) {
      txn.put(layout::kDirectoryFamily,
              institution_directory_key(registered->county, registered->institution_id), "");
    }
  }
}

Result<std::vector<std::string>> registered_institutions(const EventStore& store,
                                                         const std::optional<std::string>& county) {
  std::string prefix(kInstitutionPrefix);
  if (county) {
    prefix.append(*county);
    prefix.push_back('\0');
  }
  std::vector<std::string> ids;
  std::unique_ptr<rocksdb::Iterator> it(
      store.db()->NewIterator(rocksdb::ReadOptions(), store.family(layout::kDirectoryFamily)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const auto separator = key.find('\0', kInstitutionPrefix.size());
    if (separator == std::string_view::npos) {
      return Status(ErrorCode::corruption, "malformed institution directory key");
    }
    ids.emplace_back(key.substr(separator + 1));
  }
  if (!it->status().ok()) {
    return Status(ErrorCode::storage_error,
                  "cannot read the institution directory: " + it->status().ToString());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace redline
