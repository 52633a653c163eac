#include "engine/domain/directory.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <memory>

#include "engine/store_layout.h"

namespace redline {
namespace {

constexpr std::string_view kInstitutionPrefix = "institution/";
constexpr std::string_view kCountyBureauPrefix = "county-bureau/";
constexpr std::string_view kReportPrefix = "report/";

std::string report_prefix(std::string_view county, Category category) {
  std::string key(kReportPrefix);
  key.append(county);
  key.push_back('\0');
  key.append(to_string(category));
  key.push_back('\0');
  return key;
}

// Visits every directory key under `prefix` (key without the prefix, value).
template <class Visitor>
Status scan_prefix(const EventStore& store, std::string_view prefix, std::string_view what,
                   Visitor visit) {
  std::unique_ptr<rocksdb::Iterator> it(
      store.db()->NewIterator(rocksdb::ReadOptions(), store.family(layout::kDirectoryFamily)));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Valid() && it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    REDLINE_RETURN_IF_ERROR(
        visit(key.substr(prefix.size()), std::string_view(it->value().data(), it->value().size())));
  }
  if (!it->status().ok()) {
    return Status(ErrorCode::storage_error,
                  "cannot read the " + std::string(what) + " directory: " + it->status().ToString());
  }
  return Status::Ok();
}

}  // namespace

std::string institution_directory_key(std::string_view county, std::string_view institution_id) {
  std::string key(kInstitutionPrefix);
  key.append(county);
  key.push_back('\0');
  key.append(institution_id);
  return key;
}

void stage_directory_entries(StoreTransaction& txn, std::span<const NewEvent> events) {
  for (const NewEvent& event : events) {
    if (const auto* registered = std::get_if<InstitutionRegistered>(&event.data)) {
      txn.put(layout::kDirectoryFamily,
              institution_directory_key(registered->county, registered->institution_id), "");
    } else if (const auto* unit = std::get_if<UnitRegistered>(&event.data)) {
      if (unit->kind == UnitKind::county_bureau) {
        txn.put(layout::kDirectoryFamily, std::string(kCountyBureauPrefix) + unit->unit_id, "");
      }
    } else if (const auto* reported = std::get_if<HazardReported>(&event.data)) {
      std::string key = report_prefix(reported->county, reported->category);
      layout::append_instant_be(&key, event.occurred_at);
      key.push_back('\0');
      key.append(reported->hazard_id);
      txn.put(layout::kDirectoryFamily, key, reported->institution_id);
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
  REDLINE_RETURN_IF_ERROR(scan_prefix(
      store, prefix, "institution", [&](std::string_view rest, std::string_view) {
        if (county) {
          ids.emplace_back(rest);
          return Status::Ok();
        }
        const auto separator = rest.find('\0');
        if (separator == std::string_view::npos) {
          return Status(ErrorCode::corruption, "malformed institution directory key");
        }
        ids.emplace_back(rest.substr(separator + 1));
        return Status::Ok();
      }));
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<std::vector<std::string>> county_bureau_units(const EventStore& store) {
  std::vector<std::string> ids;
  REDLINE_RETURN_IF_ERROR(scan_prefix(store, kCountyBureauPrefix, "county bureau",
                                      [&](std::string_view key, std::string_view) {
                                        ids.emplace_back(key);
                                        return Status::Ok();
                                      }));
  return ids;  // key order is id order
}

Result<std::vector<CategoryReport>> category_reports(const EventStore& store,
                                                     std::string_view county, Category category) {
  std::vector<CategoryReport> reports;
  REDLINE_RETURN_IF_ERROR(scan_prefix(
      store, report_prefix(county, category), "hazard report",
      [&](std::string_view key, std::string_view institution) {
        auto instant = key.size() > 9 && key[8] == '\0'
                           ? layout::read_instant_be(key.substr(0, 8))
                           : std::nullopt;
        if (!instant) return Status(ErrorCode::corruption, "malformed hazard report directory key");
        reports.push_back({*instant, std::string(key.substr(9)), std::string(institution)});
        return Status::Ok();
      }));
  return reports;
}

}  // namespace redline
