// The JSON rendering of events (SPEC §7): exactly the envelope keys, in the spec's order,
// with `data` holding the type's fields. Thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "events/envelope.h"

namespace redline {

using Json = nlohmann::ordered_json;

// {"position", "stream", "version", "type", "schema", "occurred_at", "recorded_at", "actor",
//  "command_id", "caused_by", "rule", "data", "prev_hash", "hash"}
Json envelope_to_json(const Envelope& envelope);

// The event's fields alone.
Json event_data_to_json(const Event& event);

// One JSON Lines line (no trailing newline); UTF-8 text is written unescaped.
std::string envelope_to_jsonl(const Envelope& envelope);

}  // namespace redline
