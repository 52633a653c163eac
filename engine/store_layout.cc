#include "engine/store_layout.h"

#include <bit>

namespace redline::layout {

// One append and one load, not eight: a rebuild builds a key of these per history record.
void append_u64_be(std::string* out, std::uint64_t value) {
  if constexpr (std::endian::native == std::endian::little) value = __builtin_bswap64(value);
  out->append(reinterpret_cast<const char*>(&value), sizeof value);
}

std::optional<std::uint64_t> read_u64_be(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  return load_u64_be(bytes.data());
}

void append_instant_be(std::string* out, Timestamp instant) {
  append_u64_be(out, static_cast<std::uint64_t>(instant.value()) ^ (std::uint64_t{1} << 63));
}

std::optional<Timestamp> read_instant_be(std::string_view bytes) {
  auto value = read_u64_be(bytes);
  if (!value) return std::nullopt;
  return Timestamp(static_cast<std::int64_t>(*value ^ (std::uint64_t{1} << 63)));
}

std::string log_key(Position position) {
  std::string key;
  key.reserve(8);
  append_u64_be(&key, position.value());
  return key;
}

std::optional<Position> position_from_log_key(std::string_view key) {
  auto value = read_u64_be(key);
  if (!value) return std::nullopt;
  return Position(*value);
}

void append_stream_key(std::string* out, std::string_view stream, StreamVersion version) {
  out->append(stream);
  out->push_back('\0');
  append_u64_be(out, version.value());
}

std::string stream_key(std::string_view stream, StreamVersion version) {
  std::string key;
  key.reserve(stream.size() + 9);
  append_stream_key(&key, stream, version);
  return key;
}

std::string stream_key_first(std::string_view stream) {
  return stream_key(stream, StreamVersion(0));
}

std::string stream_key_last(std::string_view stream) {
  return stream_key(stream, StreamVersion(UINT64_MAX));
}

std::optional<StreamKey> parse_stream_key(std::string_view key) {
  if (key.size() < 10 || key[key.size() - 9] != '\0') return std::nullopt;
  auto version = read_u64_be(key.substr(key.size() - 8));
  if (!version) return std::nullopt;
  return StreamKey{key.substr(0, key.size() - 9), StreamVersion(*version)};
}

}  // namespace redline::layout
