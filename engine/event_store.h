// EventStore: the RocksDB-backed event log, the source of truth (layout in
// engine/store_layout.h, bytes in events/codec.h). It owns the RocksDB instance, the
// process lock on the store folder, the head of the hash chain, a cache of stream versions
// and the commit pipeline (a thread that writes committed transactions in order).
// Thread-safe: reads may run from any thread; writes go through one open StoreTransaction
// at a time (begin_transaction blocks while another is open). A committed transaction may
// still be on its way to disk (commit_async) while the next one is prepared; the next one
// sees its events, and if the write fails the next one fails too.
//
// Example:
//   auto store = EventStore::open({.path = "redline-data", .sync = true});
//   if (!store.ok()) return store.status();
//   auto txn = (*store)->begin_transaction();
//   auto staged = txn.append(events, /*expected_version=*/std::nullopt);
//   if (staged.ok()) REDLINE_RETURN_IF_ERROR(txn.commit());
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "engine/follower_folder.h"
#include "events/envelope.h"
#include "events/status.h"
#include "events/strong_types.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace redline {

namespace internal {
class CommitPipeline;
// A name with its hash, computed once, for looking it up in several maps in turn (a stream's
// version is looked for in the transaction, the batches in flight, then the cache).
struct HashedName {
  explicit HashedName(std::string_view n) : name(n), hash(std::hash<std::string_view>{}(n)) {}
  std::string_view name;
  std::size_t hash;
  friend bool operator==(const HashedName& a, std::string_view b) { return a.name == b; }
};
// Hash for maps keyed by std::string that are looked up with string_view (no allocation).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
  std::size_t operator()(const HashedName& key) const noexcept { return key.hash; }
};
// Open addressing (abseil's Swiss tables): a lookup reads a group of tag bytes and then the
// one slot whose tag matches, where std::unordered_map chased a bucket and a node; its
// finds were a sixth of submit's handling thread.
using StreamVersionMap = absl::flat_hash_map<std::string, StreamVersion, StringHash, std::equal_to<>>;
using CommandResultMap = absl::flat_hash_map<std::string, std::string, StringHash, std::equal_to<>>;
}  // namespace internal

struct StoreOptions {
  // Folder of the store. Created when missing and create_if_missing is set.
  std::string path = "redline-data";
  // fsync the WAL on every commit (config `[store] sync`). Default: true.
  bool sync = true;
  // Default: true. When false, opening a folder without a store is not_found.
  bool create_if_missing = true;
  // A read-only follower of a store another process may be writing: a RocksDB secondary
  // instance, without the process lock; catch_up() shows what the writer committed since.
  // Transactions on a follower fail at commit. Default: false.
  bool follower = false;
};

// The head of the chain: the last committed position and its hash.
struct ChainHead {
  Position position;  // Position{0} for an empty store
  Hash hash{};        // zeros for an empty store
};

// What one append staged: the positions of its events and the version its first stream
// reached.
struct StagedAppend {
  Position first_position;
  Position last_position;
  std::string stream;     // the stream of the first event
  StreamVersion version;  // that stream's version after the append
  std::vector<std::string> types;
};

class EventStore;

// A group of appends committed as one RocksDB WriteBatch: all of it or none of it, and one
// fsync for all. Holds the store's writer lock until committed or destroyed (destruction
// without commit writes nothing). After commit the transaction is finished. Not
// thread-safe; use from one thread.
class StoreTransaction {
 public:
  StoreTransaction(StoreTransaction&&) noexcept;
  StoreTransaction& operator=(StoreTransaction&&) = delete;
  ~StoreTransaction();

  // The position the next appended event will get.
  Position next_position() const;
  // A stream's version, counting what this transaction staged.
  Result<StreamVersion> stream_version(std::string_view stream);
  // The first result recorded for command_id, staged or committed; nullopt when unseen.
  Result<std::optional<std::string>> command_result(std::string_view command_id);

  // Stages `events` in order: positions follow next_position(), each stream's versions
  // continue from its current version. When expected_version is set, the first event's
  // stream must currently be at exactly that version, else `conflict` and nothing is staged.
  Result<StagedAppend> append(std::span<const NewEvent> events,
                              std::optional<StreamVersion> expected_version);
  // Stages an event exactly as another store wrote it (replication): the envelope bytes
  // must decode, carry the next position and the next version of their stream, chain onto
  // the head (prev_hash) and hash to their own `hash`; else `corruption` naming the position
  // and the problem, and nothing is staged.
  Result<Position> append_stored(std::string_view bytes);
  // Records the result to return for later duplicates of command_id.
  void remember_command(std::string_view command_id, std::string_view result);
  // Writes key → value into the named column family in the same commit (the indexes and
  // projections that must never disagree with the log). Ignored after commit.
  void put(std::string_view family, std::string_view key, std::string_view value);
  // Deletes key from the named column family in the same commit. Ignored after commit.
  void erase(std::string_view family, std::string_view key);

  std::size_t staged_event_count() const;

  // Writes everything staged in one WriteBatch (fsync per StoreOptions::sync) and waits
  // for it. On failure nothing of it is written (`storage_error`).
  Status commit();
  // Hands everything staged to the commit pipeline and returns at once, releasing the
  // writer lock so the next transaction can be prepared on top of this one. The future
  // says whether it reached disk; nothing may be reported as committed before it does.
  std::future<Status> commit_async();
  // Drops everything staged; the transaction stays open.
  void rollback();

 private:
  friend class EventStore;
  struct State;
  explicit StoreTransaction(EventStore* store);
  std::unique_ptr<State> state_;
};

class EventStore {
 public:
  // Opens (or creates) the store. `storage_error` when RocksDB fails or another process
  // holds the store ("store is in use"); `corruption` when the folder is not a Redline store
  // or its head does not match its log.
  static Result<std::unique_ptr<EventStore>> open(const StoreOptions& options);
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  const StoreOptions& options() const { return options_; }
  ChainHead head() const;

  // Followers only: reads what the writing process committed since the last call (reopening
  // when another writer opened the store since). Not to be called while another thread
  // reads through this follower.
  Status catch_up();

  // Blocks until no other transaction is open.
  StoreTransaction begin_transaction();

  // The committed version of a stream (0 when it has no events).
  Result<StreamVersion> stream_version(std::string_view stream) const;
  // The committed result for a command id, or nullopt.
  Result<std::optional<std::string>> command_result(std::string_view command_id) const;

  // One event. `not_found` past the head.
  Result<std::string> read_raw(Position position) const;
  Result<Envelope> read(Position position) const;

  // Visits the log in position order from `from` (inclusive) while the visitor returns
  // true. The bytes are valid only during the call.
  using RawVisitor = std::function<bool(Position key, std::string_view bytes)>;
  Status scan(Position from, const RawVisitor& visitor) const;

  // The positions of a stream's events, in version order.
  Result<std::vector<Position>> stream_positions(std::string_view stream) const;

  // For the modules that keep their own column families in the same commits (projections,
  // deadlines, relay). Internal to the engine; not a public extension point.
  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* family(std::string_view name) const;

 private:
  friend class StoreTransaction;
  struct Families;
  // What a handed-off transaction changed, visible to the next transactions until it is on
  // disk (or failed).
  struct InFlight {
    ChainHead head;
    internal::StreamVersionMap versions;
    internal::CommandResultMap command_results;
  };
  EventStore(StoreOptions options, int lock_fd);
  // One attempt at open(). `incomplete` is set when a follower found the store unopenable or
  // without its format record: what a store looks like while another process creates it.
  static Result<std::unique_ptr<EventStore>> open_once(const StoreOptions& options, bool* incomplete);
  Status load_head();
  Result<StreamVersion> load_stream_version(std::string_view stream) const;
  // Pending (in-flight) state first, then the durable state.
  Result<StreamVersion> pending_stream_version(const internal::HashedName& stream) const;
  Result<StreamVersion> stream_version(const internal::HashedName& stream) const;
  Result<std::optional<std::string>> pending_command_result(std::string_view command_id) const;
  void on_written(const std::shared_ptr<const InFlight>& batch);
  void remember_durable_version(std::string_view stream, StreamVersion version,
                                std::uint64_t generation) const;
  void on_write_failed();

  StoreOptions options_;
  int lock_fd_ = -1;
  std::optional<FollowerFolder> follower_folder_;  // a follower's own RocksDB folder
  std::string follower_manifest_;  // the store's MANIFEST when the follower opened
  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<Families> families_;

  std::mutex writer_mutex_;         // held by the open StoreTransaction
  mutable std::mutex state_mutex_;  // guards everything below
  ChainHead head_;                  // durable
  // Durable stream versions seen so far; bounded, cleared when it grows past a limit.
  // Also versions read from the stream index (remember_durable_version).
  mutable internal::StreamVersionMap version_cache_;
  std::uint64_t version_cache_generation_ = 0;  // bumped whenever version_cache_ is cleared
  std::deque<std::shared_ptr<const InFlight>> in_flight_;  // oldest first
  std::uint64_t epoch_ = 0;  // bumped by a failed write: later batches are refused
  std::unique_ptr<internal::CommitPipeline> pipeline_;  // last: stops before the rest
};

}  // namespace redline
