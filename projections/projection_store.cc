#include "projections/projection_store.h"

#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include <algorithm>
#include <future>
#include <thread>

#include "engine/replay.h"
#include "engine/store_layout.h"
#include "projections/declarative.h"
#include "projections/internal/bulk_write.h"
#include "projections/internal/state_cache.h"
#include "projections/internal/stored_reads.h"

namespace redline {
namespace {

constexpr std::string_view kCheckpointPrefix = std::string_view("projection\0", 11);
constexpr std::string_view kDefinitionPrefix = std::string_view("projection-def\0", 15);

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

Status storage_error(const std::string& what, const rocksdb::Status& s) {
  return Status(ErrorCode::storage_error, what + ": " + s.ToString());
}

std::string checkpoint_key(std::string_view name) {
  return std::string(kCheckpointPrefix).append(name);
}

std::string encode_checkpoint(Position position, std::uint32_t format) {
  std::string value;
  layout::append_u64_be(&value, position.value());
  layout::append_u64_be(&value, format);
  return value;
}

// The key just past every key starting with `prefix`.
std::string prefix_end(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

// What a write batch says of a key: a value, a delete, or nothing.
enum class InBatch { absent, put, erased };
InBatch look_up(rocksdb::WriteBatchWithIndex& batch, rocksdb::ColumnFamilyHandle* family,
                const rocksdb::Slice& key, std::string* value) {
  std::unique_ptr<rocksdb::WBWIIterator> it(batch.NewIterator(family));
  it->Seek(key);
  if (!it->Valid() || it->Entry().key != key) return InBatch::absent;
  const rocksdb::WriteEntry entry = it->Entry();
  if (entry.type == rocksdb::kDeleteRecord || entry.type == rocksdb::kSingleDeleteRecord) return InBatch::erased;
  value->assign(entry.value.data(), entry.value.size());
  return InBatch::put;
}

// One projection's view of the shared batch: its keys, prefixed with its name. Reads see
// the batch being filled, then the one a background thread may still be writing (its
// indexed writes: what a StateCache writes unindexed stays in its memory until a later
// flush, when that write is in), then the store.
class BatchView : public ProjectionBatch, public internal::UnindexedPut {
 public:
  BatchView(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
            rocksdb::WriteBatchWithIndex* const* batch, rocksdb::WriteBatchWithIndex* const* in_flight,
            std::string name)
      : db_(db), family_(family), batch_(batch), in_flight_(in_flight), prefix_(std::move(name)) {
    prefix_.push_back('\0');
  }

  Result<std::optional<std::string>> get(std::string_view key) override {
    const std::string full_key = full(key);
    std::string value;
    for (rocksdb::WriteBatchWithIndex* batch : {*batch_, *in_flight_}) {
      if (batch == nullptr) continue;
      switch (look_up(*batch, family_, full_key, &value)) {
        case InBatch::put: return std::optional<std::string>(std::move(value));
        case InBatch::erased: return std::optional<std::string>();
        case InBatch::absent: break;
      }
    }
    auto s = db_->Get(rocksdb::ReadOptions(), family_, full_key, &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return storage_error("cannot read projection", s);
    return std::optional<std::string>(std::move(value));
  }
  void put(std::string_view key, std::string_view value) override {
    (void)(*batch_)->Put(family_, full(key), slice(value));
  }
  void erase(std::string_view key) override { (void)(*batch_)->Delete(family_, full(key)); }
  void put_unindexed(std::string_view key, std::string_view value) override {
    // Into a reused buffer: a flush makes hundreds of thousands of these.
    full_key_.assign(prefix_).append(key);
    (void)(*batch_)->GetWriteBatch()->Put(family_, full_key_, slice(value));
  }
  Status scan(std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>& visitor) override {
    const std::string first = full(prefix);
    const std::string last = prefix_end(first);
    rocksdb::ReadOptions options;
    rocksdb::Slice upper(last);
    options.iterate_upper_bound = &upper;
    rocksdb::Iterator* base = db_->NewIterator(options, family_);
    if (*in_flight_ != nullptr) base = (*in_flight_)->NewIteratorWithBase(family_, base, &options);
    // Nothing written yet (Projection::after_fold's reads): the store alone, without
    // comparing each of its keys with an empty batch's.
    std::unique_ptr<rocksdb::Iterator> it(*in_flight_ == nullptr && (*batch_)->GetWriteBatch()->Count() == 0
                                              ? base
                                              : (*batch_)->NewIteratorWithBase(family_, base, &options));
    for (it->Seek(first); it->Valid() && it->key().compare(upper) < 0; it->Next()) {
      std::string_view key(it->key().data(), it->key().size());
      key.remove_prefix(prefix_.size());
      if (!visitor(key, std::string_view(it->value().data(), it->value().size()))) break;
    }
    if (!it->status().ok()) return storage_error("cannot read projection", it->status());
    return Status::Ok();
  }

 private:
  std::string full(std::string_view key) const { return std::string(prefix_).append(key); }

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* family_;
  rocksdb::WriteBatchWithIndex* const* batch_;      // the batch being filled
  rocksdb::WriteBatchWithIndex* const* in_flight_;  // the batch being written, or null
  std::string prefix_;
  std::string full_key_;  // put_unindexed's
};

// The batch of Projection::after_fold(): nothing is pending, so the store's reads are the
// projection's, and they may be split between threads.
class SettledView final : public BatchView, public internal::StoredReads {
 public:
  SettledView(const ProjectionStore& projections, rocksdb::ColumnFamilyHandle* family,
              rocksdb::WriteBatchWithIndex* const* batch, rocksdb::WriteBatchWithIndex* const* none, std::string name)
      : BatchView(projections.events().db(), family, batch, none, name), projections_(projections),
        name_(std::move(name)) {}

  Status scan_range(std::string_view prefix, std::string_view from, std::string_view to,
                    const std::function<bool(std::string_view, std::string_view)>& visitor) const override {
    return projections_.scan_range(name_, prefix, from, to, visitor);
  }
  std::string middle_key(std::string_view prefix) const override {
    return projections_.middle_key(name_, prefix, projections_.settings().split_reads_from_bytes);
  }

 private:
  const ProjectionStore& projections_;
  std::string name_;
};

}  // namespace

std::string projection_key(std::string_view name, std::string_view key) {
  std::string full(name);
  full.push_back('\0');
  full.append(key);
  return full;
}

struct ProjectionStore::Entry {
  std::string kind;
  std::unique_ptr<Projection> projection;
  Position checkpoint{0};
};

ProjectionStore::ProjectionStore(EventStore& store, const ProjectionSettings& settings)
    : store_(store), settings_(settings) {}
ProjectionStore::~ProjectionStore() = default;

Result<std::unique_ptr<ProjectionStore>> ProjectionStore::open(
    EventStore& store, const ProjectionSettings& settings) {
  if (settings.snapshot_every == 0) {
    return Status(ErrorCode::config_error, "the snapshot interval must be at least 1 event");
  }
  if (settings.events_per_write == 0 || settings.state_cache_entries == 0) {
    return Status(ErrorCode::config_error, "projection settings: the events per write and the state cache "
                                           "must each be at least 1");
  }
  std::unique_ptr<ProjectionStore> projections(new ProjectionStore(store, settings));
  for (auto& [name, factory] : registered_projections()) {
    auto entry = std::make_unique<Entry>();
    entry->projection = factory(settings);
    entry->kind = is_builtin_projection(name) ? "built-in" : "c++";
    projections->entries_.push_back(std::move(entry));
  }
  // Declarative projections added to this store.
  rocksdb::DB* db = store.db();
  auto* meta = store.family(layout::kMetaFamily);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), meta));
  for (it->Seek(slice(kDefinitionPrefix)); it->Valid() && it->key().starts_with(slice(kDefinitionPrefix));
       it->Next()) {
    auto definition = parse_declarative(std::string_view(it->value().data(), it->value().size()));
    if (!definition.ok()) {
      return Status(ErrorCode::corruption,
                    "stored projection definition is invalid: " + definition.status().message());
    }
    auto entry = std::make_unique<Entry>();
    entry->projection = make_declarative_projection(*definition);
    entry->kind = "declarative";
    projections->entries_.push_back(std::move(entry));
  }
  if (!it->status().ok()) return storage_error("cannot read projection definitions", it->status());
  REDLINE_RETURN_IF_ERROR(projections->load_checkpoints());
  return projections;
}

Status ProjectionStore::load_checkpoints() {
  rocksdb::DB* db = store_.db();
  auto* meta = store_.family(layout::kMetaFamily);
  for (auto& entry : entries_) {
    std::string value;
    auto s = db->Get(rocksdb::ReadOptions(), meta, checkpoint_key(entry->projection->name()), &value);
    entry->checkpoint = Position(0);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return storage_error("cannot read projection checkpoint", s);
    auto position = layout::read_u64_be(std::string_view(value).substr(0, 8));
    auto format = value.size() == 16 ? layout::read_u64_be(std::string_view(value).substr(8))
                                     : std::nullopt;
    if (!position || !format) {
      return Status(ErrorCode::corruption,
                    "checkpoint of projection " + entry->projection->name() + " is malformed");
    }
    if (*format != entry->projection->format_version()) {
      // Stored in another format: fold it again from the start.
      REDLINE_RETURN_IF_ERROR(drop(*entry));
      continue;
    }
    entry->checkpoint = Position(*position);
  }
  return Status::Ok();
}

ProjectionStore::Entry* ProjectionStore::find(std::string_view name) const {
  for (const auto& entry : entries_) {
    if (entry->projection->name() == name) return entry.get();
  }
  return nullptr;
}

bool ProjectionStore::has(std::string_view name) const { return find(name) != nullptr; }

Status ProjectionStore::drop(Entry& entry) {
  REDLINE_RETURN_IF_ERROR(drop_keys(entry));
  return clear_dropped(entry.projection->name());
}

Status ProjectionStore::drop_keys(Entry& entry) {
  rocksdb::DB* db = store_.db();
  const std::string first = projection_key(entry.projection->name(), "");
  const std::string last = prefix_end(first);
  rocksdb::WriteBatch batch;
  (void)batch.DeleteRange(store_.family(layout::kProjectionsFamily), first, last);
  (void)batch.Delete(store_.family(layout::kMetaFamily), checkpoint_key(entry.projection->name()));
  auto s = db->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return storage_error("cannot drop projection " + entry.projection->name(), s);
  entry.projection->reset();
  entry.checkpoint = Position(0);
  return Status::Ok();
}

Status ProjectionStore::clear_dropped(const std::string& name) {
  // The deleted keys and the tombstone itself go now: a tombstone over the whole range
  // would overlap every file the rebuild ingests and hold them all at the top of the tree.
  // Whole files inside the range are dropped unread; compaction clears what is left.
  rocksdb::DB* db = store_.db();
  const std::string first = projection_key(name, "");
  const std::string last = prefix_end(first);
  auto* family = store_.family(layout::kProjectionsFamily);
  const rocksdb::Slice begin(first), end(last);
  auto s = rocksdb::DeleteFilesInRange(db, family, &begin, &end, /*include_end=*/false);
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  if (s.ok()) s = db->CompactRange(compact, family, &begin, &end);
  if (!s.ok()) return storage_error("cannot clear projection " + name, s);
  return Status::Ok();
}

Status ProjectionStore::fold(const std::vector<Entry*>& entries, const ProjectionProgress& progress,
                             std::future<Status>* before_writing) {
  REDLINE_RETURN_IF_ERROR(fold_events(entries, progress, before_writing));
  return after_fold(entries);
}

Status ProjectionStore::after_fold(const std::vector<Entry*>& entries) {
  rocksdb::WriteBatchWithIndex batch(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true);
  rocksdb::WriteBatchWithIndex* filling = &batch;
  rocksdb::WriteBatchWithIndex* const none = nullptr;
  auto* family = store_.family(layout::kProjectionsFamily);
  for (Entry* entry : entries) {
    SettledView view(*this, family, &filling, &none, entry->projection->name());
    Status derived = entry->projection->after_fold(view);
    if (!derived.ok()) {
      return Status(derived.code(), "projection " + entry->projection->name() + ": " + derived.message());
    }
  }
  if (batch.GetWriteBatch()->Count() == 0) return Status::Ok();
  rocksdb::ColumnFamilyHandle* const families[] = {family};
  return internal::write_batch(*store_.db(), *batch.GetWriteBatch(), families, store_.options().path + "/ingest",
                               settings_.bulk_write_keys);
}

Status ProjectionStore::fold_events(const std::vector<Entry*>& entries, const ProjectionProgress& progress,
                                    std::future<Status>* before_writing) {
  if (entries.empty()) return Status::Ok();
  const Position head = store_.head().position;
  Position from = head.next();
  for (const Entry* entry : entries) from = std::min(from, entry->checkpoint.next());
  if (from > head) return Status::Ok();

  rocksdb::DB* db = store_.db();
  auto* family = store_.family(layout::kProjectionsFamily);
  auto* meta = store_.family(layout::kMetaFamily);
  // Two batches: one filled by the fold while a background thread writes the other, so that
  // sorting and ingesting a million events' worth of state overlaps folding the next.
  rocksdb::WriteBatchWithIndex batches[2] = {
      rocksdb::WriteBatchWithIndex(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true),
      rocksdb::WriteBatchWithIndex(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true)};
  rocksdb::WriteBatchWithIndex* batch = &batches[0];
  rocksdb::WriteBatchWithIndex* in_flight = nullptr;
  std::vector<BatchView> views;
  views.reserve(entries.size());
  for (const Entry* entry : entries) {
    views.emplace_back(db, family, &batch, &in_flight, entry->projection->name());
  }

  const std::string progress_name = entries.size() == 1 ? entries[0]->projection->name() : "all";
  Position last(0);
  std::uint64_t pending = 0;
  Status failed = Status::Ok();
  std::thread writer;
  Status written = Status::Ok();
  Position in_flight_last(0);
  // Waits for the background write; once it is in, its checkpoints count.
  auto finish_write = [&]() -> Status {
    if (!writer.joinable()) return Status::Ok();
    writer.join();
    in_flight->Clear();
    in_flight = nullptr;
    REDLINE_RETURN_IF_ERROR(written);
    for (Entry* entry : entries) entry->checkpoint = std::max(entry->checkpoint, in_flight_last);
    if (progress) progress(progress_name, in_flight_last, head);
    return Status::Ok();
  };
  struct JoinOnExit {
    std::thread& thread;
    ~JoinOnExit() {
      if (thread.joinable()) thread.join();
    }
  } join_on_exit{writer};
  auto write = [&]() -> Status {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (entries[i]->checkpoint >= last) continue;
      REDLINE_RETURN_IF_ERROR(entries[i]->projection->flush(views[i]));
      (void)batch->Put(meta, checkpoint_key(entries[i]->projection->name()),
                       encode_checkpoint(last, entries[i]->projection->format_version()));
    }
    REDLINE_RETURN_IF_ERROR(finish_write());
    if (before_writing != nullptr && before_writing->valid()) REDLINE_RETURN_IF_ERROR(before_writing->get());
    in_flight = batch;
    in_flight_last = last;
    batch = batch == &batches[0] ? &batches[1] : &batches[0];
    pending = 0;
    writer = std::thread([this, db, family, meta, to_write = in_flight, &written] {
      // Derived data: no fsync (a crash loses at most this batch, checkpoint included, and
      // it is folded again).
      rocksdb::ColumnFamilyHandle* const families[] = {family, meta};
      written = internal::write_batch(*db, *to_write->GetWriteBatch(), families, store_.options().path + "/ingest",
                                      settings_.bulk_write_keys);
    });
    return Status::Ok();
  };
  // Only what some projection reads is decoded (the reader thread asks them).
  const DataWanted data_wanted = [&entries](const Envelope& envelope, std::string_view type) {
    for (const Entry* entry : entries) {
      if (entry->projection->needs_data(envelope.stream, type)) return true;
    }
    return false;
  };
  const EnvelopeHint hint = [&entries](const Envelope& upcoming) {
    for (Entry* entry : entries) {
      if (upcoming.position > entry->checkpoint) entry->projection->prefetch(upcoming);
    }
  };
  Status replayed = replay(store_, from, [&](const Envelope& event) {
    if (event.position > head) return false;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (event.position <= entries[i]->checkpoint) continue;
      Status applied = entries[i]->projection->apply(event, views[i]);
      if (!applied.ok()) {
        failed = Status(applied.code(), "projection " + entries[i]->projection->name() +
                                            " at position " + std::to_string(event.position.value()) +
                                            ": " + applied.message());
        return false;
      }
    }
    last = event.position;
    if (++pending == settings_.events_per_write) {
      failed = write();
      if (!failed.ok()) return false;
    }
    return true;
  }, data_wanted, hint);
  if (failed.ok() && replayed.ok() && pending > 0) failed = write();
  const Status last_write = finish_write();
  if (failed.ok()) failed = last_write;
  if (!failed.ok() || !replayed.ok()) {
    for (Entry* entry : entries) entry->projection->reset();
    REDLINE_RETURN_IF_ERROR(load_checkpoints());
    return failed.ok() ? replayed : failed;
  }
  return Status::Ok();
}

Status ProjectionStore::catch_up(const ProjectionProgress& progress) {
  std::vector<Entry*> entries;
  for (auto& entry : entries_) entries.push_back(entry.get());
  return fold(entries, progress);
}

Status ProjectionStore::rebuild(std::string_view name, const ProjectionProgress& progress) {
  Entry* entry = find(name);
  if (entry == nullptr) {
    return Status(ErrorCode::not_found, "no projection named '" + std::string(name) + "'");
  }
  REDLINE_RETURN_IF_ERROR(drop_keys(*entry));
  // The dropped files are cleared while the fold begins: what the fold reads of the
  // projection is deleted already (the tombstone is written), and its first write waits
  // for the clearing, so that no tombstone holds the files it ingests at the top of the tree.
  std::future<Status> clearing =
      std::async(std::launch::async, [this, name = entry->projection->name()] { return clear_dropped(name); });
  const Status folded = fold({entry}, progress, &clearing);
  const Status cleared = clearing.valid() ? clearing.get() : Status::Ok();
  return folded.ok() ? cleared : folded;
}

namespace {

ProjectionInfo info_of(const std::string& kind, const Projection& projection, Position checkpoint,
                       Position head) {
  return ProjectionInfo{projection.name(), kind, checkpoint,
                        head.value() - std::min(head.value(), checkpoint.value())};
}

}  // namespace

std::vector<ProjectionInfo> ProjectionStore::list() const {
  const Position head = store_.head().position;
  std::vector<ProjectionInfo> infos;
  for (const auto& entry : entries_) {
    infos.push_back(info_of(entry->kind, *entry->projection, entry->checkpoint, head));
  }
  return infos;
}

std::optional<ProjectionInfo> ProjectionStore::info(std::string_view name) const {
  const Entry* entry = find(name);
  if (entry == nullptr) return std::nullopt;
  return info_of(entry->kind, *entry->projection, entry->checkpoint, store_.head().position);
}

Status ProjectionStore::add_declarative(std::string_view toml_text,
                                        const ProjectionProgress& progress) {
  auto definition = parse_declarative(toml_text);
  if (!definition.ok()) return definition.status();
  if (has(definition->name)) {
    return Status(ErrorCode::conflict,
                  "a projection named '" + definition->name + "' already exists");
  }
  auto s = store_.db()->Put(rocksdb::WriteOptions(), store_.family(layout::kMetaFamily),
                            std::string(kDefinitionPrefix).append(definition->name),
                            slice(toml_text));
  if (!s.ok()) return storage_error("cannot store projection definition", s);
  auto entry = std::make_unique<Entry>();
  entry->projection = make_declarative_projection(*definition);
  entry->kind = "declarative";
  Entry* added = entry.get();
  entries_.push_back(std::move(entry));
  return fold({added}, progress);
}

Result<std::optional<std::string>> ProjectionStore::get(std::string_view name,
                                                        std::string_view key) const {
  std::string value;
  auto s = store_.db()->Get(rocksdb::ReadOptions(), store_.family(layout::kProjectionsFamily),
                            projection_key(name, key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return storage_error("cannot read projection", s);
  return std::optional<std::string>(std::move(value));
}

Status ProjectionStore::scan(
    std::string_view name, std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& visitor) const {
  return scan_range(name, prefix, prefix, {}, visitor);
}

Status ProjectionStore::scan_range(
    std::string_view name, std::string_view prefix, std::string_view from, std::string_view to,
    const std::function<bool(std::string_view key, std::string_view value)>& visitor) const {
  const std::string end = prefix_end(projection_key(name, prefix));
  const std::string last = to.empty() ? end : std::min(end, projection_key(name, to));
  const std::string first = projection_key(name, std::max(from, prefix));
  const std::size_t name_size = name.size() + 1;
  rocksdb::ReadOptions options;
  rocksdb::Slice upper(last);
  options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator(options, store_.family(layout::kProjectionsFamily)));
  for (it->Seek(first); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    key.remove_prefix(name_size);
    if (!visitor(key, std::string_view(it->value().data(), it->value().size()))) break;
  }
  if (!it->status().ok()) return storage_error("cannot read projection", it->status());
  return Status::Ok();
}

std::string ProjectionStore::middle_key(std::string_view name, std::string_view prefix,
                                        std::uint64_t least_bytes) const {
  const std::string first = projection_key(name, prefix);
  const std::string end = prefix_end(first);
  rocksdb::SizeApproximationOptions options;
  options.include_memtables = true;
  options.include_files = true;
  auto bytes_before = [&](const std::string& key) {
    const rocksdb::Range range(first, key);
    std::uint64_t size = 0;
    (void)store_.db()->GetApproximateSizes(options, store_.family(layout::kProjectionsFamily), &range, 1, &size);
    return size;  // an estimate: on an error, 0 (the split is then lopsided, not wrong)
  };
  const std::uint64_t total = bytes_before(end);
  if (total < least_bytes) return {};
  // Bisects the eight bytes after the prefix, read as a big-endian number.
  std::uint64_t low = 0, high = ~std::uint64_t{0};
  std::string key;
  while (high - low > 1) {
    const std::uint64_t middle = low + (high - low) / 2;
    key.assign(first);
    layout::append_u64_be(&key, middle);
    (bytes_before(key) < total / 2 ? low : high) = middle;
  }
  key.assign(prefix);
  layout::append_u64_be(&key, high);
  return key;
}

}  // namespace redline
