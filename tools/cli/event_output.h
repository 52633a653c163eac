// How the CLI prints events: one JSON Lines line (SPEC §7) or one human-readable line.
// Stateless; thread-safe.
#pragma once

#include <ostream>
#include <string>

#include "events/envelope.h"

namespace redline::cli {

enum class EventFormat { human, jsonl };

// Parses a --format value; nullopt for anything but "human"/"table" and "jsonl"/"json".
std::optional<EventFormat> parse_event_format(const std::string& text);

void print_event(std::ostream& out, const Envelope& envelope, EventFormat format);

}  // namespace redline::cli
