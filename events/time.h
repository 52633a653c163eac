// ISO-8601 UTC instants and YYYY-MM-DD days: parsing and formatting for Timestamp.
// Pure functions (parsing on std::chrono's civil calendar, formatting over gmtime_r);
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "events/strong_types.h"

namespace redline {

// Accepts "YYYY-MM-DDTHH:MM:SSZ" with optional fraction ".f" to ".fffffffff" (kept to the
// millisecond). Years 1970..9999 only. nullopt when the text is not such an instant.
std::optional<Timestamp> parse_instant(std::string_view text);

// "YYYY-MM-DD" → midnight UTC of that day. nullopt when not a valid calendar day.
std::optional<Timestamp> parse_day(std::string_view text);

// "2026-06-03T09:00:00Z", or "2026-06-03T09:00:00.123Z" when the milliseconds are not zero.
std::string format_instant(Timestamp t);

// "2026-06-03": the UTC day containing t.
std::string format_day(Timestamp t);

// The wall clock, for recorded_at and the default business time only.
Timestamp now_utc();

constexpr std::int64_t kMillisPerDay = 86'400'000;

}  // namespace redline
