// The RocksDB layout of a Redline store: column families and key encodings, written down
// once and shared by the store, the audit, the tools and the tests that tamper with bytes.
// Pure functions; thread-safe.
//
// COLUMN FAMILIES AND KEYS (all integers in keys are big-endian so byte order = numeric order)
//
//   log          u64 position                      → envelope bytes (events/codec.h)
//   streams      stream id, 0x00, u64 version      → u64 position
//                (stream ids never contain 0x00; the last key of a stream is its version)
//   commands     command_id                        → the command's first result (opaque
//                                                    bytes; the domain stores its JSON line)
//   meta         "format"                          → "redline-store-1"
//                "head"                            → u64 position, 32-byte hash of that event
//   projections  (reserved: projection rows and checkpoints, one key prefix per projection)
//   deadlines    instant due, u8 kind, subject → u64 caused_by (engine/rules/due_items.h);
//                "tick" in meta holds the instant the last tick ran to
//   directory    write-side lookups the domain keeps beside the log
//                (engine/domain/directory.h): institutions by county, county bureaus,
//                hazard reports by county, category and time, campaign checks done
//
// The relay's cursor is not here but in a RocksDB of its own, `<store>/relay/`
// (kafka/relay_cursor.h), so that a relay can run beside the writer.
//
// Everything one commit implies goes into one WriteBatch across these families, so a crash
// leaves all of it or none of it.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "events/strong_types.h"

namespace redline::layout {

inline constexpr std::string_view kLogFamily = "log";
inline constexpr std::string_view kStreamsFamily = "streams";
inline constexpr std::string_view kCommandsFamily = "commands";
inline constexpr std::string_view kMetaFamily = "meta";
inline constexpr std::string_view kProjectionsFamily = "projections";
inline constexpr std::string_view kDeadlinesFamily = "deadlines";
inline constexpr std::string_view kDirectoryFamily = "directory";

inline constexpr std::string_view kFormatKey = "format";
inline constexpr std::string_view kFormatValue = "redline-store-1";
inline constexpr std::string_view kHeadKey = "head";
inline constexpr std::string_view kTickKey = "tick";

// The eight bytes at `bytes` read as a big-endian number: one load and a byte swap.
inline std::uint64_t load_u64_be(const char* bytes) {
  std::uint64_t value;
  std::memcpy(&value, bytes, sizeof value);
  if constexpr (std::endian::native == std::endian::little) value = __builtin_bswap64(value);
  return value;
}
void append_u64_be(std::string* out, std::uint64_t value);
std::optional<std::uint64_t> read_u64_be(std::string_view bytes);  // exactly 8 bytes
// An instant as 8 bytes whose byte order is time order (the sign bit flipped).
void append_instant_be(std::string* out, Timestamp instant);
std::optional<Timestamp> read_instant_be(std::string_view bytes);  // exactly 8 bytes

std::string log_key(Position position);
std::optional<Position> position_from_log_key(std::string_view key);

std::string stream_key(std::string_view stream, StreamVersion version);
void append_stream_key(std::string* out, std::string_view stream, StreamVersion version);
// The smallest and largest possible keys of a stream, for range reads.
std::string stream_key_first(std::string_view stream);
std::string stream_key_last(std::string_view stream);
// Splits a streams key; nullopt when malformed.
struct StreamKey {
  std::string_view stream;
  StreamVersion version;
};
std::optional<StreamKey> parse_stream_key(std::string_view key);

}  // namespace redline::layout
