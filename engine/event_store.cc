#include "engine/event_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/commit_pipeline.h"
#include "engine/store_layout.h"
#include "engine/store_lock.h"
#include "events/codec.h"

namespace redline {
namespace {

constexpr std::size_t kVersionCacheLimit = 1'000'000;
// How long a follower waits for a store another process is creating.
constexpr auto kCreationWait = std::chrono::seconds(5);

std::shared_ptr<spdlog::logger> store_logger() {
  static auto logger = [] {
    auto existing = spdlog::get("store");
    if (existing) return existing;
    auto created = spdlog::default_logger()->clone("store");
    spdlog::register_logger(created);
    return created;
  }();
  return logger;
}

// RocksDB's own log, routed to Redline's log instead of a LOG file in the store: a full disk
// made RocksDB 7.8's file logger abort the process on its next line after a failed write.
class RocksDbLog final : public rocksdb::Logger {
 public:
  explicit RocksDbLog(rocksdb::InfoLogLevel level) : rocksdb::Logger(level) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override { Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap); }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char line[1024];
    std::vsnprintf(line, sizeof line, format, ap);
    if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL) {
      store_logger()->warn("rocksdb: {}", line);
    } else {
      store_logger()->debug("rocksdb: {}", line);
    }
  }
};

Status storage_error(std::string_view what, const rocksdb::Status& s) {
  return Status(ErrorCode::storage_error, std::string(what) + ": " + s.ToString());
}

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

// The stream id of a streams-family key (the key without its 0x00 and u64 version).
class StreamIdPrefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "redline.StreamIdPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - 9);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() >= 10; }
};

constexpr std::size_t kBlockCacheBytes = 128u << 20;
constexpr std::size_t kLogBlockBytes = 16u << 10;

// Table files of every family share one block cache (RocksDB's default is a small cache
// per family); bloom filters where most lookups miss.
rocksdb::TableFactory* table_factory(const std::shared_ptr<rocksdb::Cache>& cache, bool bloom,
                                     std::size_t block_size = 4096) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.block_size = block_size;
  if (bloom) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = true;
  }
  return rocksdb::NewBlockBasedTableFactory(table);
}

// Stream index keys arrive in random stream order, one per event. In a plain skiplist
// memtable each such insert costs a long chain of cache-missing comparisons (it was 3x the
// cost of the log put); hashing on the stream id keeps each skiplist short. Every read of
// this family stays inside one stream's prefix, which is what this layout supports.
rocksdb::ColumnFamilyOptions streams_family_options(const rocksdb::ColumnFamilyOptions& base,
                                                    const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions options = base;
  options.prefix_extractor = std::make_shared<StreamIdPrefix>();
  options.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(1 << 18));
  options.table_factory.reset(table_factory(cache, /*bloom=*/true));
  return options;
}

}  // namespace

struct EventStore::Families {
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // owned; destroyed before the DB
  std::unordered_map<std::string, rocksdb::ColumnFamilyHandle*, internal::StringHash,
                     std::equal_to<>>
      by_name;
  rocksdb::ColumnFamilyHandle* log = nullptr;
  rocksdb::ColumnFamilyHandle* streams = nullptr;
  rocksdb::ColumnFamilyHandle* commands = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
};

namespace {

// The name of the store's current MANIFEST: it changes each time a writer opens the store.
std::string current_manifest(const std::string& path) {
  std::ifstream in(path + "/CURRENT");
  std::string name;
  std::getline(in, name);
  return name;
}

}  // namespace

EventStore::EventStore(StoreOptions options, int lock_fd)
    : options_(std::move(options)), lock_fd_(lock_fd), families_(std::make_unique<Families>()) {}

EventStore::~EventStore() {
  pipeline_.reset();  // finishes every handed-off write first
  if (db_ && options_.follower) {
    for (auto* handle : families_->handles) db_->DestroyColumnFamilyHandle(handle);
    db_->Close().PermitUncheckedError();
    db_.reset();
  }
  follower_folder_.reset();  // after the instance using it has closed
  if (db_) {
    // Memtables to disk, so the next open starts from table files instead of replaying
    // every WAL since the oldest unflushed family (seconds for a large catch-up).
    rocksdb::FlushOptions flush;
    flush.allow_write_stall = true;
    db_->Flush(flush, families_->handles).PermitUncheckedError();
    for (auto* handle : families_->handles) {
      db_->DestroyColumnFamilyHandle(handle);
    }
    db_->Close().PermitUncheckedError();
    db_.reset();
  }
  release_store_lock(lock_fd_);
}

Result<std::unique_ptr<EventStore>> EventStore::open(const StoreOptions& options) {
  bool incomplete = false;
  auto store = open_once(options, &incomplete);
  if (!options.follower) return store;
  // A store is created in steps (the folder, RocksDB's files, its column families, then the
  // format record), so a follower opening it meanwhile finds it half made. While the
  // creating process lives, wait for it rather than call the store damaged.
  const auto give_up = std::chrono::steady_clock::now() + kCreationWait;
  while (!store.ok() && incomplete && std::chrono::steady_clock::now() < give_up &&
         store_lock_holder_alive(options.path)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    incomplete = false;
    store = open_once(options, &incomplete);
  }
  return store;
}

Result<std::unique_ptr<EventStore>> EventStore::open_once(const StoreOptions& options, bool* incomplete) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool exists = fs::exists(fs::path(options.path) / "CURRENT", ec);
  if (!exists && !options.create_if_missing) {
    return Status(ErrorCode::not_found, "no Redline store at " + options.path +
                                            " (run `redline init` first)");
  }
  if (!exists && options.follower) {
    *incomplete = true;
    return Status(ErrorCode::not_found, "no Redline store at " + options.path);
  }
  int lock_fd = -1;
  if (!options.follower) {
    fs::create_directories(options.path, ec);
    if (ec) {
      return Status(ErrorCode::storage_error,
                    "cannot create store folder " + options.path + ": " + ec.message());
    }
    auto process_lock = acquire_store_lock(options.path);
    if (!process_lock.ok()) return process_lock.status();
    lock_fd = *process_lock;
  }

  std::unique_ptr<EventStore> store(new EventStore(options, lock_fd));

  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.max_open_files = 512;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db_options.info_log = std::make_shared<RocksDbLog>(rocksdb::InfoLogLevel::WARN_LEVEL);
  // One writer at a time (the transaction lock), and the streams family's hash memtable
  // does not take concurrent inserts.
  db_options.allow_concurrent_memtable_write = false;
  // Column families written rarely (meta, projection checkpoints) would otherwise keep every
  // WAL file alive, and each open would replay them all: past this size RocksDB flushes the
  // families holding the oldest WAL.
  db_options.max_total_wal_size = 256ull << 20;

  // Reads of history (--as-of lookups, stream loads, projections) hit random blocks.
  const std::shared_ptr<rocksdb::Cache> block_cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  rocksdb::ColumnFamilyOptions family_options;
  family_options.compression = rocksdb::kNoCompression;
  family_options.table_factory.reset(table_factory(block_cache, /*bloom=*/false));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, family_options);
  // Command ids are looked up once per command, almost always absent: bloom filters.
  rocksdb::ColumnFamilyOptions commands_options = family_options;
  {
    commands_options.table_factory.reset(table_factory(block_cache, /*bloom=*/true));
    // The same in the memtable, where a miss otherwise walks the skiplist: without it the
    // lookup was about a tenth of a command's handling time.
    commands_options.memtable_whole_key_filtering = true;
    commands_options.memtable_prefix_bloom_size_ratio = 0.05;
  }
  // A projection rebuild ingests its states as one file per million events, each over the
  // whole key range: RocksDB merges them into the tree once this many have piled up at the
  // top. At its default of 4 a rebuild of 12.6M events spent a tenth of its CPU on those
  // merges, at 8 a sixteenth (perf); reads of projection keys look in a few more files.
  rocksdb::ColumnFamilyOptions projections_options = family_options;
  projections_options.level0_file_num_compaction_trigger = 8;
  // The log is read mostly front to back (replays, rebuilds, the relay): larger blocks mean
  // fewer block loads, checksum calls and iterator steps between blocks per event.
  rocksdb::ColumnFamilyOptions log_options = family_options;
  log_options.table_factory.reset(table_factory(block_cache, /*bloom=*/false, kLogBlockBytes));
  for (auto name : {layout::kLogFamily, layout::kStreamsFamily, layout::kCommandsFamily,
                    layout::kMetaFamily, layout::kProjectionsFamily, layout::kDeadlinesFamily,
                    layout::kDirectoryFamily}) {
    descriptors.emplace_back(std::string(name),
                             name == layout::kStreamsFamily    ? streams_family_options(family_options, block_cache)
                             : name == layout::kCommandsFamily ? commands_options
                             : name == layout::kProjectionsFamily ? projections_options
                             : name == layout::kLogFamily         ? log_options
                                                               : family_options);
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.follower) {
    // A secondary instance keeps its own info log and manifest copy in a folder of its own.
    auto folder = FollowerFolder::create();
    if (!folder.ok()) return folder.status();
    const std::string dir = folder->path();
    store->follower_folder_ = std::move(*folder);
    store->follower_manifest_ = current_manifest(options.path);
    db_options.max_open_files = -1;  // required of secondary instances
    s = rocksdb::DB::OpenAsSecondary(db_options, options.path, dir, descriptors,
                                     &store->families_->handles, &raw);
  } else {
    s = rocksdb::DB::Open(db_options, options.path, descriptors, &store->families_->handles, &raw);
  }
  if (!s.ok()) {
    *incomplete = options.follower;
    return storage_error("cannot open store " + options.path, s);
  }
  store->db_.reset(raw);
  for (std::size_t i = 0; i < descriptors.size(); ++i) {
    store->families_->by_name[descriptors[i].name] = store->families_->handles[i];
  }
  auto& f = *store->families_;
  f.log = f.by_name.at(std::string(layout::kLogFamily));
  f.streams = f.by_name.at(std::string(layout::kStreamsFamily));
  f.commands = f.by_name.at(std::string(layout::kCommandsFamily));
  f.meta = f.by_name.at(std::string(layout::kMetaFamily));

  // Format marker: written once, checked on every open.
  std::string format;
  s = raw->Get(rocksdb::ReadOptions(), f.meta, slice(layout::kFormatKey), &format);
  if (s.IsNotFound() && options.follower) {
    *incomplete = true;
    return Status(ErrorCode::corruption, options.path + " is not a Redline store (no format record)");
  }
  if (s.IsNotFound()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    s = raw->Put(write_options, f.meta, slice(layout::kFormatKey), slice(layout::kFormatValue));
    if (!s.ok()) return storage_error("cannot initialise store", s);
  } else if (!s.ok()) {
    return storage_error("cannot read store format", s);
  } else if (format != layout::kFormatValue) {
    return Status(ErrorCode::corruption, options.path + " holds store format '" + format +
                                             "', expected '" +
                                             std::string(layout::kFormatValue) + "'");
  }

  REDLINE_RETURN_IF_ERROR(store->load_head());
  if (options.follower) return store;
  EventStore* self = store.get();
  store->pipeline_ = std::make_unique<internal::CommitPipeline>(
      raw, options.sync,
      [self] {
        std::lock_guard state_lock(self->state_mutex_);
        return self->epoch_;
      },
      [self] { self->on_write_failed(); });
  store_logger()->debug("opened {} at position {}", options.path,
                        store->head_.position.value());
  return store;
}

Status EventStore::load_head() {
  rocksdb::Status s;
  // The head, checked against the last key of the log.
  ChainHead head;
  std::string head_value;
  s = db_->Get(rocksdb::ReadOptions(), families_->meta, slice(layout::kHeadKey), &head_value);
  if (s.ok()) {
    auto position = layout::read_u64_be(std::string_view(head_value).substr(0, 8));
    if (head_value.size() != 8 + kHashSize || !position) {
      return Status(ErrorCode::corruption, "store head record is malformed");
    }
    head.position = Position(*position);
    std::memcpy(head.hash.data(), head_value.data() + 8, kHashSize);
  } else if (!s.IsNotFound()) {
    return storage_error("cannot read store head", s);
  }
  std::unique_ptr<rocksdb::Iterator> last(db_->NewIterator(rocksdb::ReadOptions(), families_->log));
  last->SeekToLast();
  const Position last_key = last->Valid()
                                ? layout::position_from_log_key(
                                      std::string_view(last->key().data(), last->key().size()))
                                      .value_or(Position(0))
                                : Position(0);
  if (!last->status().ok()) return storage_error("cannot read log", last->status());
  if (options_.follower && last_key != head.position) {
    // A follower's column families are caught up one after another, so for a moment its
    // log may reach past the head record or stop short of it. Everything up to the lower
    // of the two is committed and whole; the next catch_up shows the rest.
    if (!last->Valid()) {
      head = ChainHead{};
    } else if (last_key < head.position) {
      auto chain = read_chain_fields(std::string_view(last->value().data(), last->value().size()));
      if (!chain.ok()) return chain.status();
      head.position = last_key;
      head.hash = chain->hash;
    }
  } else if (last_key != head.position) {
    const std::string head_text = std::to_string(head.position.value());
    const std::string last_text = std::to_string(last_key.value());
    return Status(ErrorCode::corruption,
                  last_key < head.position
                      ? "event missing at position " + head_text + ": the head record says " +
                            head_text + " but the log ends at " + last_text
                      : "event at position " + last_text + " is beyond the head record (" +
                            head_text + ")");
  }
  std::lock_guard lock(state_mutex_);
  head_ = head;
  return Status::Ok();
}

Status EventStore::catch_up() {
  if (!options_.follower) return Status::Ok();
  // A secondary instance that tailed one writer session can miss what the writer of a later
  // session commits (RocksDB 7.8 leaves some of its families behind). When another writer
  // opened the store since, the follower opens afresh instead of tailing.
  const std::string manifest = current_manifest(options_.path);
  bool reopened = false;
  if (manifest != follower_manifest_) {
    auto fresh = EventStore::open(options_);
    if (fresh.ok()) {
      std::swap(db_, (*fresh)->db_);
      std::swap(families_, (*fresh)->families_);
      std::swap(follower_folder_, (*fresh)->follower_folder_);
      follower_manifest_ = (*fresh)->follower_manifest_;
      reopened = true;  // the old instance closes with `fresh`
    } else {
      store_logger()->debug("following {}: reopening failed, tailing instead: {}", options_.path,
                            fresh.status().message());
    }
  }
  if (!reopened) {
    const auto s = db_->TryCatchUpWithPrimary();
    if (!s.ok()) return storage_error("cannot follow store " + options_.path, s);
  }
  {
    std::lock_guard lock(state_mutex_);
    version_cache_.clear();
    ++version_cache_generation_;
  }
  return load_head();
}

ChainHead EventStore::head() const {
  std::lock_guard lock(state_mutex_);
  return head_;
}

rocksdb::ColumnFamilyHandle* EventStore::family(std::string_view name) const {
  auto found = families_->by_name.find(name);
  return found == families_->by_name.end() ? nullptr : found->second;
}

Result<StreamVersion> EventStore::load_stream_version(std::string_view stream) const {
  // Versions are gap-free from 1 (the audit checks it), so the count is the version. The
  // hash memtable cannot seek backwards; streams are short, and the cache spares repeats.
  auto positions = stream_positions(stream);
  if (!positions.ok()) return positions.status();
  return StreamVersion(positions->size());
}

Result<StreamVersion> EventStore::pending_stream_version(const internal::HashedName& stream) const {
  {
    std::lock_guard lock(state_mutex_);
    for (auto batch = in_flight_.rbegin(); batch != in_flight_.rend(); ++batch) {
      auto found = (*batch)->versions.find(stream);
      if (found != (*batch)->versions.end()) return found->second;
    }
  }
  return stream_version(stream);
}

Result<std::optional<std::string>> EventStore::pending_command_result(
    std::string_view command_id) const {
  {
    std::lock_guard lock(state_mutex_);
    for (auto batch = in_flight_.rbegin(); batch != in_flight_.rend(); ++batch) {
      auto found = (*batch)->command_results.find(command_id);
      if (found != (*batch)->command_results.end()) return std::optional(found->second);
    }
  }
  return command_result(command_id);
}

void EventStore::on_written(const std::shared_ptr<const InFlight>& batch) {
  std::lock_guard lock(state_mutex_);
  head_ = batch->head;
  if (version_cache_.size() + batch->versions.size() > kVersionCacheLimit) {
    version_cache_.clear();
    ++version_cache_generation_;
  }
  for (const auto& [stream, version] : batch->versions) version_cache_[stream] = version;
  if (!in_flight_.empty() && in_flight_.front() == batch) in_flight_.pop_front();
}

void EventStore::on_write_failed() {
  std::lock_guard lock(state_mutex_);
  ++epoch_;
  in_flight_.clear();
}

Result<StreamVersion> EventStore::stream_version(std::string_view stream) const {
  return stream_version(internal::HashedName(stream));
}

Result<StreamVersion> EventStore::stream_version(const internal::HashedName& stream) const {
  {
    std::lock_guard lock(state_mutex_);
    auto found = version_cache_.find(stream);
    if (found != version_cache_.end()) return found->second;
  }
  return load_stream_version(stream.name);
}

Result<std::optional<std::string>> EventStore::command_result(std::string_view command_id) const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), families_->commands, slice(command_id), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return storage_error("cannot read command index", s);
  return std::optional<std::string>(std::move(value));
}

Result<std::string> EventStore::read_raw(Position position) const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), families_->log, layout::log_key(position), &value);
  if (s.IsNotFound()) {
    return Status(ErrorCode::not_found,
                  "no event at position " + std::to_string(position.value()));
  }
  if (!s.ok()) return storage_error("cannot read log", s);
  return value;
}

Result<Envelope> EventStore::read(Position position) const {
  auto raw = read_raw(position);
  if (!raw.ok()) return raw.status();
  return decode_envelope(*raw);
}

Status EventStore::scan(Position from, const RawVisitor& visitor) const {
  rocksdb::ReadOptions read_options;
  read_options.readahead_size = 2 << 20;
  read_options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, families_->log));
  for (it->Seek(layout::log_key(from)); it->Valid(); it->Next()) {
    const auto key = it->key();
    auto position = layout::position_from_log_key(std::string_view(key.data(), key.size()));
    if (!position) {
      return Status(ErrorCode::corruption, "malformed log key of " +
                                               std::to_string(key.size()) + " bytes");
    }
    const auto value = it->value();
    if (!visitor(*position, std::string_view(value.data(), value.size()))) break;
  }
  if (!it->status().ok()) return storage_error("cannot read log", it->status());
  return Status::Ok();
}

Result<std::vector<Position>> EventStore::stream_positions(std::string_view stream) const {
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(state_mutex_);
    generation = version_cache_generation_;
  }
  std::vector<Position> positions;
  // A new stream (most lookups while commands create hazards) is settled by the bloom
  // filters without an iterator.
  std::string first_value;
  auto s = db_->Get(rocksdb::ReadOptions(), families_->streams,
                    layout::stream_key(stream, StreamVersion(1)), &first_value);
  if (s.IsNotFound()) {
    remember_durable_version(stream, StreamVersion(0), generation);
    return positions;
  }
  if (!s.ok()) return storage_error("cannot read stream index", s);
  const std::string first = layout::stream_key_first(stream);
  const std::string last = layout::stream_key_last(stream);
  rocksdb::ReadOptions read_options;
  rocksdb::Slice upper(last);
  read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, families_->streams));
  for (it->Seek(first); it->Valid(); it->Next()) {
    auto position = layout::read_u64_be(std::string_view(it->value().data(), it->value().size()));
    if (!position) {
      return Status(ErrorCode::corruption, "malformed stream index entry for " +
                                               std::string(stream));
    }
    positions.emplace_back(*position);
  }
  if (!it->status().ok()) return storage_error("cannot read stream index", it->status());
  remember_durable_version(stream, StreamVersion(positions.size()), generation);
  return positions;
}

void EventStore::remember_durable_version(std::string_view stream, StreamVersion version,
                                          std::uint64_t generation) const {
  // The writer reads a stream whole when its state is not cached, and appends to it right
  // after: remembering the version spares the append a second read of the index. A commit
  // that landed meanwhile already put a later version here (keep the larger); a cache
  // cleared meanwhile may have dropped one (skip: `generation` moved).
  std::lock_guard lock(state_mutex_);
  if (generation != version_cache_generation_ || version_cache_.size() >= kVersionCacheLimit) {
    return;
  }
  auto [entry, inserted] = version_cache_.try_emplace(std::string(stream), version);
  if (!inserted && entry->second < version) entry->second = version;
}

}  // namespace redline
