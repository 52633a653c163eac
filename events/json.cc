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

}  // namespace redline
