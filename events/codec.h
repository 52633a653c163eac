// The envelope byte format: encoding a NewEvent into the bytes stored in RocksDB and sent to
// Kafka, and decoding them back. The hash chain is computed over exactly these bytes.
// Functions are thread-safe (each thread keeps its own buffers and hasher).
//
// ENVELOPE BYTE FORMAT (format 1). All integers little-endian; the body is cereal's binary
// format (events/archives.h): strings as u64 length + bytes, optionals as a u8 "nullopt"
// flag (1: absent) then the value when present, enums as u8, vectors as u64 count +
// elements.
//
//   offset  size  field
//   0       1     format            = 1
//   1       32    prev_hash         hash of the event at position-1 (zeros for position 1)
//   33      8     position          u64
//   41      ...   cereal body:      stream (string), version (u64), type (string),
//                                   schema (u32), occurred_at (i64 ms), recorded_at (i64 ms),
//                                   actor.id (string), actor.role (u8),
//                                   command_id (optional string), caused_by (optional u64),
//                                   rule (optional string),
//                                   data: the event struct's cereal bytes, preceded by its
//                                   class version (u32) and those of nested types on first use
//   n-32    32    hash              SHA-256 of bytes [0, n-32)
//
// So `hash` covers every other envelope field and prev_hash, as SPEC §2 requires, and a
// reader can check one event's integrity from its bytes alone. Schema evolution happens in
// the data's serialize() (see events/event_types.h); old bytes are never rewritten.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "events/archives.h"
#include "events/envelope.h"
#include "events/status.h"

namespace redline {

inline constexpr std::uint8_t kEnvelopeFormat = 1;
inline constexpr std::size_t kPrevHashOffset = 1;
inline constexpr std::size_t kPositionOffset = 33;
inline constexpr std::size_t kBodyOffset = 41;
inline constexpr std::size_t kHashSize = 32;
inline constexpr std::size_t kMinEnvelopeSize = kBodyOffset + kHashSize;

// What the store assigns to an event at commit.
struct CommitStamp {
  Position position;
  StreamVersion version;
  Timestamp recorded_at;
  Hash prev_hash{};
};

// Appends the envelope bytes of `event` (stamped) to `out` and returns its hash.
Hash encode_envelope(const NewEvent& event, const CommitStamp& stamp, std::string* out);

// Full decode: envelope and data, upcast to the current schema of its type.
Result<Envelope> decode_envelope(std::string_view bytes);

// Whether a reader needs an event's data, from its envelope (every field but the data, which
// is not decoded yet) and its type name.
using DataWanted = std::function<bool(const Envelope& envelope, std::string_view type)>;

// The same into *out, reusing its strings and vectors: the fast path of replays, which
// decode millions of events into one Envelope. On failure *out is unspecified. With
// `wanted` given and false for this event, only the envelope's own fields are decoded and
// its data is a default value of its type (the data's bytes are not read, nor checked).
Status decode_envelope_into(std::string_view bytes, Envelope* out, const DataWanted* wanted = nullptr);

// The fields fixed by offset, read without decoding the body. Fails on a short value.
struct ChainFields {
  Position position;
  Hash prev_hash{};
  Hash hash{};
};
Result<ChainFields> read_chain_fields(std::string_view bytes);

// SHA-256 of bytes [0, n-32): what `hash` must equal.
Hash compute_envelope_hash(std::string_view bytes);

// The envelope without `data` (for filters and checks that need no payload).
struct EnvelopeHeader {
  Position position;
  std::string stream;
  StreamVersion version;
  std::string type;
  std::uint32_t schema = 0;
  Timestamp occurred_at;
  Timestamp recorded_at;
  Actor actor;
  std::optional<std::string> command_id;
  std::optional<Position> caused_by;
  std::optional<std::string> rule;
};
Result<EnvelopeHeader> decode_header(std::string_view bytes);

namespace internal {

// Reads the header fields from `archive` into `target` (an EnvelopeHeader or an Envelope)
// and returns the type name, a view of the archive's bytes (shared by the decoders). Field
// by field rather than through cereal's archive(...) chain: every replay reads it millions
// of times, and the bytes are the same.
template <class Target>
std::string_view load_header_body(BoundedInputArchive& archive, Target* target) {
  archive.loadStringInto(target->stream);
  std::uint64_t version = 0;
  archive.loadValue(&version);
  const std::string_view type = archive.loadSized();
  archive.loadValue(&target->schema);
  std::int64_t occurred_at = 0;
  std::int64_t recorded_at = 0;
  archive.loadValue(&occurred_at);
  archive.loadValue(&recorded_at);
  archive.loadStringInto(target->actor.id);
  std::uint8_t role = 0;
  archive.loadValue(&role);
  CEREAL_LOAD_FUNCTION_NAME(archive, target->command_id);
  const bool no_cause = archive.loadBool();  // cereal's optional: a "nullopt" flag first
  std::uint64_t caused_by = 0;
  if (!no_cause) archive.loadValue(&caused_by);
  CEREAL_LOAD_FUNCTION_NAME(archive, target->rule);
  target->version = StreamVersion(version);
  target->occurred_at = Timestamp(occurred_at);
  target->recorded_at = Timestamp(recorded_at);
  target->actor.role = static_cast<Role>(role);
  if (!is_valid(target->actor.role)) {
    throw cereal::Exception("actor role byte " + std::to_string(role) + " is not a role");
  }
  target->caused_by.reset();
  if (!no_cause) target->caused_by = Position(caused_by);
  return type;
}

}  // namespace internal

// Decodes the data of an envelope as type T instead of the type it names. Tests use it to
// prove that bytes written by an older schema of a type load into a newer struct.
template <class T>
Result<T> decode_data_as(std::string_view bytes) {
  if (bytes.size() < kMinEnvelopeSize) {
    return Status(ErrorCode::corruption, "envelope shorter than its fixed fields");
  }
  try {
    BoundedInputArchive archive(bytes.substr(kBodyOffset, bytes.size() - kBodyOffset - kHashSize));
    EnvelopeHeader header;
    internal::load_header_body(archive, &header);
    T value;
    archive(value);
    return value;
  } catch (const std::exception& e) {
    return Status(ErrorCode::corruption, std::string("undecodable event data: ") + e.what());
  }
}

}  // namespace redline
