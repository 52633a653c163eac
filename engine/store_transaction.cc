// StoreTransaction: staging appends into one WriteBatch and handing it to the commit
// pipeline (see engine/event_store.h).
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "engine/commit_pipeline.h"
#include "engine/event_store.h"
#include "engine/store_layout.h"
#include "events/codec.h"
#include "events/time.h"

namespace redline {
namespace {

constexpr std::size_t kMaxStreamIdBytes = 256;

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

void encode_u64_be(char* out, std::uint64_t value) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
}

std::string encode_head(const ChainHead& head) {
  std::string value;
  layout::append_u64_be(&value, head.position.value());
  value.append(reinterpret_cast<const char*>(head.hash.data()), head.hash.size());
  return value;
}

Status check_stream_id(std::string_view stream) {
  if (stream.empty() || stream.size() > kMaxStreamIdBytes ||
      stream.find('\0') != std::string_view::npos) {
    return Status(ErrorCode::invalid_field,
                  "stream id must be 1-" + std::to_string(kMaxStreamIdBytes) +
                      " bytes without NUL");
  }
  return Status::Ok();
}

}  // namespace

struct StoreTransaction::State {
  EventStore* store = nullptr;
  std::unique_lock<std::mutex> writer_lock;
  bool finished = false;
  std::uint64_t epoch = 0;
  ChainHead base;  // the head this transaction builds on
  rocksdb::ColumnFamilyHandle* log = nullptr;
  rocksdb::ColumnFamilyHandle* streams = nullptr;
  rocksdb::ColumnFamilyHandle* commands = nullptr;
  std::unique_ptr<internal::CommitPipeline::Job> job = std::make_unique<internal::CommitPipeline::Job>();
  std::shared_ptr<EventStore::InFlight> staged = std::make_shared<EventStore::InFlight>();
  std::size_t staged_events = 0;
  // Reused buffers of the append path.
  std::string encoded;
  std::string stream_key;
  std::vector<std::pair<std::string_view, StreamVersion>> append_versions;
};

StoreTransaction EventStore::begin_transaction() { return StoreTransaction(this); }

StoreTransaction::StoreTransaction(EventStore* store) : state_(std::make_unique<State>()) {
  state_->store = store;
  state_->log = store->family(layout::kLogFamily);
  state_->streams = store->family(layout::kStreamsFamily);
  state_->commands = store->family(layout::kCommandsFamily);
  state_->writer_lock = std::unique_lock(store->writer_mutex_);
  std::lock_guard lock(store->state_mutex_);
  state_->epoch = store->epoch_;
  state_->base = store->in_flight_.empty() ? store->head_ : store->in_flight_.back()->head;
  state_->staged->head = state_->base;
}

StoreTransaction::StoreTransaction(StoreTransaction&&) noexcept = default;
StoreTransaction::~StoreTransaction() = default;

Position StoreTransaction::next_position() const {
  return state_->staged->head.position.next();
}

std::size_t StoreTransaction::staged_event_count() const { return state_->staged_events; }

Result<StreamVersion> StoreTransaction::stream_version(std::string_view stream) {
  const internal::HashedName key(stream);
  auto staged = state_->staged->versions.find(key);
  if (staged != state_->staged->versions.end()) return staged->second;
  return state_->store->pending_stream_version(key);
}

Result<std::optional<std::string>> StoreTransaction::command_result(std::string_view command_id) {
  auto staged = state_->staged->command_results.find(command_id);
  if (staged != state_->staged->command_results.end()) {
    return std::optional<std::string>(staged->second);
  }
  return state_->store->pending_command_result(command_id);
}

Result<StagedAppend> StoreTransaction::append(std::span<const NewEvent> events,
                                              std::optional<StreamVersion> expected_version) {
  if (state_->finished) {
    return Status(ErrorCode::invalid_transition, "the transaction is already committed");
  }
  if (events.empty()) return Status(ErrorCode::invalid_field, "an append needs events");
  // Validate everything before staging anything: an append is all or nothing. An append
  // touches a handful of streams, so a small vector beats a map here.
  auto& versions = state_->append_versions;
  versions.clear();
  auto version_of = [&versions](std::string_view stream) -> StreamVersion* {
    for (auto& [name, version] : versions) {
      if (name == stream) return &version;
    }
    return nullptr;
  };
  for (const auto& event : events) {
    REDLINE_RETURN_IF_ERROR(check_stream_id(event.stream));
    if (version_of(event.stream) == nullptr) {
      auto current = stream_version(event.stream);
      if (!current.ok()) return current.status();
      versions.emplace_back(event.stream, *current);
    }
  }
  const auto& first_stream = events.front().stream;
  const StreamVersion first_current = *version_of(first_stream);
  if (expected_version && first_current != *expected_version) {
    return Status(ErrorCode::conflict,
                  "stream " + first_stream + " is at version " +
                      std::to_string(first_current.value()) + ", expected " +
                      std::to_string(expected_version->value()));
  }

  StagedAppend staged;
  staged.stream = first_stream;
  staged.first_position = next_position();
  staged.types.reserve(events.size());
  auto& head = state_->staged->head;
  const Timestamp recorded_at = now_utc();
  for (const auto& event : events) {
    StreamVersion& version = *version_of(event.stream);
    version = version.next();
    const CommitStamp stamp{next_position(), version, recorded_at, head.hash};
    state_->encoded.clear();
    const Hash hash = encode_envelope(event, stamp, &state_->encoded);
    char position_key[8];
    encode_u64_be(position_key, stamp.position.value());
    const rocksdb::Slice position_slice(position_key, sizeof position_key);
    state_->job->batch.Put(state_->log, position_slice, state_->encoded);
    state_->stream_key.clear();
    layout::append_stream_key(&state_->stream_key, event.stream, version);
    state_->job->batch.Put(state_->streams, state_->stream_key, position_slice);
    head = ChainHead{stamp.position, hash};
    staged.types.emplace_back(event_type_name(event.data));
    ++state_->staged_events;
  }
  auto& staged_versions = state_->staged->versions;
  for (const auto& [stream, version] : versions) {
    auto found = staged_versions.find(stream);
    if (found != staged_versions.end()) {
      found->second = version;
    } else {
      staged_versions.emplace(std::string(stream), version);
    }
  }
  staged.last_position = head.position;
  staged.version = *version_of(first_stream);
  return staged;
}

Result<Position> StoreTransaction::append_stored(std::string_view bytes) {
  if (state_->finished) {
    return Status(ErrorCode::invalid_transition, "the transaction is already committed");
  }
  Envelope event;
  REDLINE_ASSIGN(event, decode_envelope(bytes));
  const Position expected = next_position();
  const std::string where = "event at position " + std::to_string(event.position.value());
  if (event.position != expected) {
    return Status(ErrorCode::corruption, where + " where position " +
                                             std::to_string(expected.value()) + " comes next");
  }
  auto& head = state_->staged->head;
  if (event.prev_hash != head.hash) {
    return Status(ErrorCode::corruption, where + " does not chain onto the event before it");
  }
  if (compute_envelope_hash(bytes) != event.hash) {
    return Status(ErrorCode::corruption, where + " does not hash to its recorded hash");
  }
  REDLINE_RETURN_IF_ERROR(check_stream_id(event.stream));
  StreamVersion current;
  REDLINE_ASSIGN(current, stream_version(event.stream));
  if (event.version != current.next()) {
    return Status(ErrorCode::corruption, where + " is version " +
                                             std::to_string(event.version.value()) + " of " +
                                             event.stream + ", which is at version " +
                                             std::to_string(current.value()));
  }
  char position_key[8];
  encode_u64_be(position_key, event.position.value());
  const rocksdb::Slice position_slice(position_key, sizeof position_key);
  state_->job->batch.Put(state_->log, position_slice, slice(bytes));
  state_->stream_key.clear();
  layout::append_stream_key(&state_->stream_key, event.stream, event.version);
  state_->job->batch.Put(state_->streams, state_->stream_key, position_slice);
  head = ChainHead{event.position, event.hash};
  state_->staged->versions.insert_or_assign(event.stream, event.version);
  ++state_->staged_events;
  return event.position;
}

void StoreTransaction::remember_command(std::string_view command_id, std::string_view result) {
  if (state_->finished) return;
  state_->job->batch.Put(state_->commands, slice(command_id), slice(result));
  state_->staged->command_results[std::string(command_id)] = std::string(result);
}

void StoreTransaction::put(std::string_view family, std::string_view key, std::string_view value) {
  if (state_->finished) return;
  state_->job->batch.Put(state_->store->family(family), slice(key), slice(value));
}

void StoreTransaction::erase(std::string_view family, std::string_view key) {
  if (state_->finished) return;
  state_->job->batch.Delete(state_->store->family(family), slice(key));
}

std::future<Status> StoreTransaction::commit_async() {
  auto ready = [](Status status) {
    std::promise<Status> promise;
    promise.set_value(std::move(status));
    return promise.get_future();
  };
  if (state_->finished) {
    return ready(Status(ErrorCode::invalid_transition, "the transaction is already committed"));
  }
  state_->finished = true;
  EventStore* store = state_->store;
  auto& job = *state_->job;
  if (job.batch.Count() == 0) {
    state_->writer_lock.unlock();
    return ready(Status::Ok());
  }
  job.batch.Put(store->family(layout::kMetaFamily), slice(layout::kHeadKey),
                encode_head(state_->staged->head));
  job.epoch = state_->epoch;
  std::shared_ptr<const EventStore::InFlight> in_flight = std::move(state_->staged);
  {
    std::lock_guard lock(store->state_mutex_);
    if (store->epoch_ != state_->epoch) {
      state_->writer_lock.unlock();
      return ready(Status(ErrorCode::storage_error,
                          "an earlier commit failed; nothing of this one was written"));
    }
    store->in_flight_.push_back(in_flight);
  }
  if (!store->pipeline_) {
    {
      std::lock_guard lock(store->state_mutex_);
      store->in_flight_.pop_back();
    }
    state_->writer_lock.unlock();
    return ready(Status(ErrorCode::storage_error,
                        "the store " + store->options_.path + " is open read-only here"));
  }
  job.on_written = [store, in_flight] { store->on_written(in_flight); };
  auto done = store->pipeline_->submit(std::move(state_->job));
  state_->writer_lock.unlock();
  return done;
}

Status StoreTransaction::commit() { return commit_async().get(); }

void StoreTransaction::rollback() {
  if (state_->finished) return;
  state_->job->batch.Clear();
  state_->staged = std::make_shared<EventStore::InFlight>();
  state_->staged->head = state_->base;
  state_->staged_events = 0;
}

}  // namespace redline
