// A command as it arrives (SPEC §3): one JSON object of a JSON Lines input, with the
// common fields read and checked, and the type-specific fields left for the handler to read
// through FieldReader. Values; thread-compatible.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "events/enums.h"
#include "events/envelope.h"
#include "events/status.h"
#include "events/strong_types.h"

namespace redline {

inline constexpr std::size_t kMaxCommandBytes = 64 * 1024;

// The submitting actor: {id, role, institution_id?, county?}.
struct CommandActor {
  std::string id;
  Role role = Role::public_;
  std::optional<std::string> institution_id;  // required for institution_staff
  std::optional<std::string> county;          // required for county_bureau

  Actor envelope_actor() const { return Actor{id, role}; }
};

struct ParsedCommand {
  std::string type;
  CommandActor actor;
  Timestamp at;  // the command's `at`, or the time it was received
  std::optional<std::string> command_id;
  std::optional<StreamVersion> expected_version;
  // The whole object; handlers read their fields from it. It points into `document`.
  simdjson::dom::element body;
  std::unique_ptr<simdjson::dom::document> document;
};

// What could be read of a command before it failed: its command_id, for the result line.
struct ParseFailure {
  Status status;
  std::optional<std::string> command_id;
};

// Parses one input line. `too_large` over 64 KiB (before parsing), `invalid_json`,
// `missing_field`/`invalid_field` for the common fields, `unknown_command`, and
// `forbidden` for the role `system` (never accepted from outside).
// `now` is used when the command has no `at`. `document`, when given, is a document of an
// earlier command to parse into: it keeps its buffers, so parsing allocates nothing.
Result<ParsedCommand> parse_command(std::string_view line, Timestamp now,
                                    std::optional<std::string>* command_id_out,
                                    std::unique_ptr<simdjson::dom::document> document = nullptr);

// True when `id` is 1-64 characters of A-Z a-z 0-9 _ . - (SPEC §2).
bool is_valid_id(std::string_view id);

}  // namespace redline
