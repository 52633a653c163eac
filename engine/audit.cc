#include "engine/audit.h"

#include <rocksdb/db.h>

#include "engine/store_layout.h"
#include "events/codec.h"

namespace redline {
namespace {

// Checks that the stream index maps (stream, version) to `position` and that the previous
// version of the stream exists at an earlier position.
std::optional<std::string> check_stream_index(const EventStore& store,
                                              const Envelope& event, Position position,
                                              Status* read_error) {
  auto* streams = store.family(layout::kStreamsFamily);
  std::string value;
  auto s = store.db()->Get(rocksdb::ReadOptions(), streams,
                           layout::stream_key(event.stream, event.version), &value);
  if (s.IsNotFound()) {
    return "stream index has no entry for " + event.stream + " version " +
           std::to_string(event.version.value());
  }
  if (!s.ok()) {
    *read_error = Status(ErrorCode::storage_error, "cannot read stream index: " + s.ToString());
    return std::nullopt;
  }
  if (layout::read_u64_be(value) != position.value()) {
    return "stream index maps " + event.stream + " version " +
           std::to_string(event.version.value()) + " to another position";
  }
  if (event.version.value() == 0) return "stream version 0";
  if (event.version.value() > 1) {
    const StreamVersion previous(event.version.value() - 1);
    s = store.db()->Get(rocksdb::ReadOptions(), streams,
                        layout::stream_key(event.stream, previous), &value);
    if (s.IsNotFound() || layout::read_u64_be(value).value_or(UINT64_MAX) >= position.value()) {
      return "stream " + event.stream + " version " + std::to_string(event.version.value()) +
             " does not follow an earlier version " + std::to_string(previous.value());
    }
  }
  return std::nullopt;
}

}  // namespace

Result<ChainVerification> verify_chain(const EventStore& store) {
  ChainVerification report;
  report.head = store.head();
  Position expected(1);
  Hash previous_hash{};
  Status read_error;
  auto fail = [&report](Position at, std::string problem) {
    report.first_bad_position = at;
    report.problem = std::move(problem);
    return false;
  };
  Status scanned = store.scan(Position(1), [&](Position key, std::string_view bytes) {
    if (key != expected) {
      return fail(expected, "event missing: the log jumps from position " +
                                std::to_string(expected.value() - 1) + " to " +
                                std::to_string(key.value()));
    }
    auto chain = read_chain_fields(bytes);
    if (!chain.ok()) return fail(key, chain.status().message());
    if (chain->position != key) {
      return fail(key, "stored event claims position " + std::to_string(chain->position.value()));
    }
    if (compute_envelope_hash(bytes) != chain->hash) {
      return fail(key, "hash does not match the event's bytes (altered)");
    }
    if (chain->prev_hash != previous_hash) {
      return fail(key, "prev_hash does not match the hash of position " +
                           std::to_string(key.value() - 1));
    }
    auto envelope = decode_envelope(bytes);
    if (!envelope.ok()) return fail(key, envelope.status().message());
    if (auto problem = check_stream_index(store, *envelope, key, &read_error)) {
      return fail(key, *problem);
    }
    if (!read_error.ok()) return false;
    previous_hash = chain->hash;
    ++report.events_checked;
    expected = expected.next();
    return true;
  });
  REDLINE_RETURN_IF_ERROR(scanned);
  REDLINE_RETURN_IF_ERROR(read_error);
  if (report.intact()) {
    const Position last(expected.value() - 1);
    if (report.head.position != last) {
      report.first_bad_position = last.next();
      report.problem = "head record says position " +
                       std::to_string(report.head.position.value()) + " but the log ends at " +
                       std::to_string(last.value());
    } else if (report.head.hash != previous_hash) {
      report.first_bad_position = last;
      report.problem = "head record's hash differs from the last event's hash";
    }
  }
  return report;
}

}  // namespace redline
