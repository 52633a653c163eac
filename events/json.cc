#include "events/json.h"

namespace redline {

Json event_data_to_json(const Event& event) {
  Json data;
  std::visit([&data](const auto& value) { to_json(data, value); }, event);
  return data;
}

Json envelope_to_json(const Envelope& e) {
  Json j;
  j["position"] = e.position.value();
  j["stream"] = e.stream;
  j["version"] = e.version.value();
  j["type"] = std::string(e.type());
  j["schema"] = e.schema;
  j["occurred_at"] = format_instant(e.occurred_at);
  j["recorded_at"] = format_instant(e.recorded_at);
  j["actor"] = Json{{"id", e.actor.id}, {"role", std::string(to_string(e.actor.role))}};
  j["command_id"] = e.command_id;
  j["caused_by"] = e.caused_by ? Json(e.caused_by->value()) : Json(nullptr);
  j["rule"] = e.rule;
  j["data"] = event_data_to_json(e.data);
  j["prev_hash"] = to_hex(e.prev_hash);
  j["hash"] = to_hex(e.hash);
  return j;
}

std::string envelope_to_jsonl(const Envelope& envelope) {
  // `replace` keeps a line printable even if stored text were not valid UTF-8.
  return envelope_to_json(envelope).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string to_hex(const Hash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(hash.size() * 2, '0');
  for (std::size_t i = 0; i < hash.size(); ++i) {
    out[2 * i] = kDigits[hash[i] >> 4];
    out[2 * i + 1] = kDigits[hash[i] & 0xF];
  }
  return out;
}

std::optional<Hash> hash_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Hash out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

}  // namespace redline
