#include "projections/internal/bulk_write.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <vector>

#include <rocksdb/sst_file_writer.h>

namespace redline::internal {
namespace {

// Slices into the batch's own bytes, which outlive the ingestion: nothing is copied.
struct BatchEntry {
  rocksdb::Slice key;
  rocksdb::Slice value;
  bool erase = false;
};

// The batch's entries by column family id, in batch order; `supported` is false when it
// holds an operation an SST file cannot carry as such.
class Collector final : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(std::uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    entries[family].push_back(BatchEntry{key, value, false});
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(std::uint32_t family, const rocksdb::Slice& key) override {
    entries[family].push_back(BatchEntry{key, {}, true});
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

  std::map<std::uint32_t, std::vector<BatchEntry>> entries;
  bool supported = true;

 private:
  rocksdb::Status unsupported() {
    supported = false;
    return rocksdb::Status::NotSupported("not for an SST file");
  }
};

// Sorts by key, keeping the batch's order among equal keys (the last of them is written).
void sort_by_key(std::vector<BatchEntry>* entries) {
  std::stable_sort(entries->begin(), entries->end(), [](const BatchEntry& a, const BatchEntry& b) {
    return a.key.compare(b.key) < 0;
  });
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
  if (batch.Count() < ingest_from_keys) return write_plainly();
  Collector collector;
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

  std::vector<rocksdb::IngestExternalFileArg> args;
  for (auto& [id, entries] : collector.entries) {
    rocksdb::ColumnFamilyHandle* family = family_of(id);
    sort_by_key(&entries);
    files.push_back(scratch_dir + "/" + std::to_string(::getpid()) + "-" + std::to_string(id) +
                    ".sst");
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), db.GetOptions(family), family);
    auto s = writer.Open(files.back());
    for (std::size_t i = 0; s.ok() && i < entries.size(); ++i) {
      const BatchEntry& entry = entries[i];
      // Of writes to the same key the batch's last wins, as in DB::Write.
      if (i + 1 < entries.size() && entries[i + 1].key == entry.key) continue;
      s = entry.erase ? writer.Delete(entry.key) : writer.Put(entry.key, entry.value);
    }
    if (s.ok()) s = writer.Finish();
    if (!s.ok()) return write_error("cannot write " + files.back(), s);
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = family;
    arg.external_files = {files.back()};
    arg.options.move_files = true;
    args.push_back(std::move(arg));
  }
  auto s = db.IngestExternalFiles(args);
  if (!s.ok()) return write_error("cannot ingest projections", s);
  return Status::Ok();
}

}  // namespace redline::internal
