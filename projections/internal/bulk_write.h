// Writes a WriteBatch of derived data (projections and their checkpoints). A small batch
// goes through DB::Write; a large one (a projection rebuild, a long catch-up, hazard_status's
// pack) is ingested instead of inserted: its entries are sorted per column family, written as SST files
// (rocksdb::SstFileWriter, one per region of keys, "name\0segment/") in `scratch_dir`, and
// ingested in one DB::IngestExternalFiles call, which RocksDB records atomically for all
// the column families — so a projection's state and its checkpoint still land together or
// not at all. RocksDB puts each file as deep in its tree as nothing there overlaps it.
// That skips the WAL, the memtable's skiplist inserts and the flush that a batch of a
// million keys costs through DB::Write. A batch holding anything but puts and deletes
// (a range delete, a merge), or a column family not among `families`, is written through
// DB::Write. Stateless; one caller per scratch folder at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "events/status.h"

namespace redline::internal {

// A batch of this many bytes is ingested however few its keys (hazard_status's pack: a
// few thousand values of 10 KiB each).
inline constexpr std::size_t kIngestFromBytes = 4u << 20;

// Ingests when the batch holds at least `ingest_from_keys` entries, or kIngestFromBytes.
Status write_batch(rocksdb::DB& db, rocksdb::WriteBatch& batch,
                   std::span<rocksdb::ColumnFamilyHandle* const> families,
                   const std::string& scratch_dir, std::uint64_t ingest_from_keys);

}  // namespace redline::internal
