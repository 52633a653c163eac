#include "projections/internal/bulk_write.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <vector>

#include <rocksdb/sst_file_writer.h>

#include "projections/internal/key_order.h"

namespace redline::internal {
namespace {

// Slices into the batch's own bytes, which outlive the ingestion: nothing is copied.
struct BatchEntry {
  rocksdb::Slice value;
  std::uint32_t order = 0;  // in the batch
  bool erase = false;
};
using KeyedEntry = KeyedItem<BatchEntry>;

// The batch's entries by column family id, in batch order; `supported` is false when it
// holds an operation an SST file cannot carry as such.
class Collector final : public rocksdb::WriteBatch::Handler {
 public:
  // `expected`: the batch's entry count. A family's entries get room for all of them once
  // it has a thousand: growing a vector of a million entries by doubling copied it twice
  // over and faulted fresh pages in at every step.
  explicit Collector(std::size_t expected) : expected_(expected) {}

  rocksdb::Status PutCF(std::uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    add(family, key, value, false);
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(std::uint32_t family, const rocksdb::Slice& key) override {
    add(family, key, {}, true);
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(std::uint32_t, const rocksdb::Slice&) override {
    return unsupported();
  }
  rocksdb::Status DeleteRangeCF(std::uint32_t, const rocksdb::Slice&,
                                const rocksdb::Slice&) override {
    return unsupported();
  }
  rocksdb::Status MergeCF(std::uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return unsupported();
  }
  rocksdb::Status PutBlobIndexCF(std::uint32_t, const rocksdb::Slice&,
                                 const rocksdb::Slice&) override {
    return unsupported();
  }
  void LogData(const rocksdb::Slice&) override {}

  std::map<std::uint32_t, std::vector<KeyedEntry>> entries;
  bool supported = true;

 private:
  void add(std::uint32_t family, const rocksdb::Slice& key, const rocksdb::Slice& value, bool erase) {
    auto& of_family = entries[family];
    if (of_family.size() == 1024) of_family.reserve(expected_);
    const auto order = static_cast<std::uint32_t>(of_family.size());
    of_family.push_back(KeyedEntry{{}, key.ToStringView(), BatchEntry{value, order, erase}});
  }
  rocksdb::Status unsupported() {
    supported = false;
    return rocksdb::Status::NotSupported("not for an SST file");
  }

  std::size_t expected_;
};

// Sorts by key, keeping the batch's order among equal keys (the last of them is written).
void sort_entries(std::vector<KeyedEntry>* entries) {
  sort_by_key(entries, [](const BatchEntry& a, const BatchEntry& b) { return a.order < b.order; });
}

// A projection's keys are "name\0segment/rest": its states, hazard_status's history, and
// so on. The region of a key is its part up to that first '/' (or all of it).
std::string_view region_of(std::string_view key) {
  const std::size_t name_end = key.find('\0');
  if (name_end == std::string_view::npos) return key;
  const std::size_t slash = key.find('/', name_end + 1);
  return slash == std::string_view::npos ? key : key.substr(0, slash + 1);
}

// Where a new file starts: where the region changes, once the file so far or the region
// ahead holds this many entries. Small regions (single keys such as a projection's
// counters) share a file with each other rather than each making a file of its own, but
// never with a large region: a counter rewritten by every write would make the file of a
// region nothing else overlaps overlap the previous write's file.
constexpr std::size_t kMinEntriesPerFile = 16'384;

// How many of the sorted `entries` from `from` on lie in `region`: a region ending in '/'
// is a prefix, searched for its end; any other is the one key at `from`.
std::size_t region_size(const std::vector<KeyedEntry>& entries, std::size_t from, std::string_view region) {
  if (region.empty() || region.back() != '/') return 1;
  const auto first = entries.begin() + static_cast<std::ptrdiff_t>(from);
  const auto end = std::partition_point(
      first, entries.end(), [region](const KeyedEntry& entry) { return entry.key.starts_with(region); });
  return static_cast<std::size_t>(end - first);
}

Status write_error(const std::string& what, const rocksdb::Status& s) {
  return Status(ErrorCode::storage_error, what + ": " + s.ToString());
}

}  // namespace

Status write_batch(rocksdb::DB& db, rocksdb::WriteBatch& batch,
                   std::span<rocksdb::ColumnFamilyHandle* const> families,
                   const std::string& scratch_dir, std::uint64_t ingest_from_keys) {
  auto write_plainly = [&]() -> Status {
    auto s = db.Write(rocksdb::WriteOptions(), &batch);
    if (!s.ok()) return write_error("cannot write projections", s);
    return Status::Ok();
  };
  if (batch.Count() < ingest_from_keys && batch.GetDataSize() < kIngestFromBytes) return write_plainly();
  Collector collector(batch.Count());
  const rocksdb::Status iterated = batch.Iterate(&collector);
  auto family_of = [&](std::uint32_t id) -> rocksdb::ColumnFamilyHandle* {
    for (auto* family : families) {
      if (family->GetID() == id) return family;
    }
    return nullptr;
  };
  bool ingestible = collector.supported;
  for (const auto& [id, entries] : collector.entries) {
    ingestible = ingestible && family_of(id) != nullptr;
  }
  if (!ingestible) return write_plainly();
  if (!iterated.ok()) return write_error("cannot read the projections' batch", iterated);
  if (collector.entries.empty()) return Status::Ok();

  std::error_code error;
  std::filesystem::create_directories(scratch_dir, error);
  if (error) {
    return Status(ErrorCode::storage_error,
                  "cannot create " + scratch_dir + ": " + error.message());
  }
  std::vector<std::string> files;
  // Ingestion moves (hard-links) the files into the store; the scratch names always go.
  struct RemoveFiles {
    std::vector<std::string>& files;
    ~RemoveFiles() {
      std::error_code ignored;
      for (const auto& file : files) std::filesystem::remove(file, ignored);
    }
  } remove_files{files};

  // One file per region run (see region_of): RocksDB places each ingested file as deep in
  // the tree as nothing there overlaps it, so keys past everything written before (a
  // rebuild's next snapshots' pre-images) go straight to the bottom instead of being merged by
  // compactions with everything written before it.
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (auto& [id, entries] : collector.entries) {
    rocksdb::ColumnFamilyHandle* family = family_of(id);
    sort_entries(&entries);
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = family;
    arg.options.move_files = true;
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), db.GetOptions(family), family);
    std::size_t in_file = 0;
    std::string_view region;
    auto s = rocksdb::Status::OK();
    for (std::size_t i = 0; s.ok() && i < entries.size(); ++i) {
      if (i + kPrefetchAhead < entries.size()) {
        prefetch(entries[i + kPrefetchAhead].key.data());
        prefetch(entries[i + kPrefetchAhead].item.value.data());
      }
      const KeyedEntry& entry = entries[i];
      // Of writes to the same key the batch's last wins, as in DB::Write.
      if (i + 1 < entries.size() && same_key(entries[i + 1], entry)) continue;
      // Most keys continue the region before them: a prefix check instead of two searches.
      const bool same_region = !region.empty() && region.back() == '/' && entry.key.starts_with(region);
      const std::string_view entry_region = same_region ? region : region_of(entry.key);
      if (in_file == 0 || (entry_region != region &&
                           (in_file >= kMinEntriesPerFile || region_size(entries, i, entry_region) >= kMinEntriesPerFile))) {
        if (in_file > 0 && !(s = writer.Finish()).ok()) break;
        files.push_back(scratch_dir + "/" + std::to_string(::getpid()) + "-" + std::to_string(id) + "-" +
                        std::to_string(arg.external_files.size()) + ".sst");
        arg.external_files.push_back(files.back());
        if (!(s = writer.Open(files.back())).ok()) break;
        in_file = 0;
      }
      region = entry_region;
      const rocksdb::Slice key(entry.key);
      s = entry.item.erase ? writer.Delete(key) : writer.Put(key, entry.item.value);
      ++in_file;
    }
    if (s.ok() && in_file > 0) s = writer.Finish();
    if (!s.ok()) return write_error("cannot write " + files.back(), s);
    if (!arg.external_files.empty()) args.push_back(std::move(arg));
  }
  if (args.empty()) return Status::Ok();
  auto s = db.IngestExternalFiles(args);
  if (!s.ok()) return write_error("cannot ingest projections", s);
  return Status::Ok();
}

}  // namespace redline::internal
