// Declarative projections (SPEC §5): a TOML file names the event types it reads, optional
// equality filters, the field paths it groups by, a measure (count | sum:PATH |
// distinct:PATH) and an optional time bucket of occurred_at (day | week from Monday |
// month). Field paths point into an event's JSON rendering (`data.county`, `actor.role`,
// `type`). `redline projection run FILE` computes one over the history;
// `redline projection add FILE` stores it to be maintained like a built-in.
// Thread-compatible.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/event_store.h"
#include "events/envelope.h"
#include "projections/projection.h"

namespace redline {

struct DeclarativeDefinition {
  enum class Measure { count, sum, distinct };
  enum class Bucket { none, day, week, month };

  std::string name;
  std::set<std::string, std::less<>> events;  // looked up by string_view
  std::vector<std::pair<std::string, nlohmann::json>> where;  // path, expected value
  std::vector<std::string> group_by;
  Measure measure = Measure::count;
  std::string measure_path;  // for sum and distinct
  Bucket bucket = Bucket::none;
};

// invalid_field naming the key and the problem ("measure: 'avg' is not count, sum:PATH or
// distinct:PATH"); invalid_json when the text is not TOML.
Result<DeclarativeDefinition> parse_declarative(std::string_view toml_text);

// One group's result.
struct DeclarativeRow {
  nlohmann::ordered_json key;  // {"data.county": "LT", ..., "bucket": "2026-06-01"}
  nlohmann::json value;        // a count, a sum or a distinct count
};

struct DeclarativeResult {
  std::string name;
  Position position;                // the last event included
  std::vector<DeclarativeRow> rows;  // sorted by key
};

// The result computed over the whole history (nothing is stored).
Result<DeclarativeResult> run_declarative(const EventStore& store,
                                          const DeclarativeDefinition& definition);

// The projection maintained for an added definition; its keys: "g/GROUP" → the value,
// "d/GROUP\0VALUE" for distinct measures (GROUP is the key's JSON).
std::unique_ptr<Projection> make_declarative_projection(const DeclarativeDefinition& definition);

// Rows read back from a maintained declarative projection's keys.
Result<std::vector<DeclarativeRow>> declarative_rows_from_keys(
    const std::vector<std::pair<std::string, std::string>>& group_values);

// JSON ({"name", "position", "rows"}), CSV (one column per key part, then value) and an
// aligned table.
nlohmann::ordered_json declarative_json(const DeclarativeResult& result);
std::string declarative_csv(const DeclarativeResult& result);

}  // namespace redline
