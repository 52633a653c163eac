#include "engine/domain/command_processor.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "engine/domain/command.h"
#include "engine/domain/command_record.h"
#include "engine/domain/directory.h"
#include "engine/domain/handlers.h"
#include "engine/rules/event_stager.h"
#include "engine/rules/reactive_rules.h"
#include "events/time.h"

namespace redline {

namespace {

// Appends `value` as a JSON string. Ids and event type names are plain ASCII and copied as
// they are; anything else goes through the JSON library's escaping.
void append_json_string(std::string* out, std::string_view value) {
  const bool plain = std::all_of(value.begin(), value.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (plain) {
    out->push_back('"');
    out->append(value);
    out->push_back('"');
  } else {
    out->append(nlohmann::json(std::string(value))
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

// `{"ok":B,"line":N,"command_id":…` — the start every result line shares.
std::string result_head(bool ok, std::size_t line_number,
                        const std::optional<std::string>& command_id) {
  std::string json;
  json.reserve(256);
  json.append(ok ? "{\"ok\":true,\"line\":" : "{\"ok\":false,\"line\":");
  json.append(std::to_string(line_number));
  json.append(",\"command_id\":");
  if (command_id) {
    append_json_string(&json, *command_id);
  } else {
    json.append("null");
  }
  return json;
}

// The result line of an accepted command.
std::string accepted_line(std::size_t line_number, const std::optional<std::string>& command_id,
                          const StagedAppend& staged, bool duplicate) {
  std::string json = result_head(true, line_number, command_id);
  json.append(",\"stream\":");
  append_json_string(&json, staged.stream);
  json.append(",\"version\":").append(std::to_string(staged.version.value()));
  json.append(",\"first_position\":").append(std::to_string(staged.first_position.value()));
  json.append(",\"last_position\":").append(std::to_string(staged.last_position.value()));
  json.append(",\"events\":[");
  for (std::size_t i = 0; i < staged.types.size(); ++i) {
    if (i > 0) json.push_back(',');
    append_json_string(&json, staged.types[i]);
  }
  json.append(duplicate ? "],\"duplicate\":true}" : "]}");
  return json;
}

}  // namespace

CommandOutcome CommandProcessor::duplicate_result(std::size_t line_number,
                                                  const std::optional<std::string>& command_id,
                                                  std::string_view record) {
  auto unreadable = [&](const std::string& why) {
    return error_result(line_number, command_id,
                        Status(ErrorCode::storage_error, "stored result of command_id " +
                                                             command_id.value_or("") +
                                                             " is unreadable: " + why));
  };
  if (is_json_command_record(record)) {
    // Written by an earlier version: the first result line itself.
    auto result = nlohmann::ordered_json::parse(record, nullptr, /*allow_exceptions=*/false);
    if (result.is_discarded() || !result.is_object()) return unreadable("not a JSON object");
    result["line"] = line_number;
    result["duplicate"] = true;
    return CommandOutcome{result.value("ok", false), line_number, command_id,
                          result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }
  auto append = decode_command_record(record);
  if (!append.ok()) return unreadable(append.status().message());
  return CommandOutcome{true, line_number, command_id,
                        accepted_line(line_number, command_id, *append, true)};
}

CommandOutcome CommandProcessor::error_result(std::size_t line_number,
                                              const std::optional<std::string>& command_id,
                                              const Status& status) {
  CommandOutcome outcome{false, line_number, command_id, result_head(false, line_number, command_id)};
  outcome.json.append(",\"error\":{\"code\":");
  append_json_string(&outcome.json, error_code_name(status.code()));
  outcome.json.append(",\"message\":");
  append_json_string(&outcome.json, status.message());
  outcome.json.append("}}");
  return outcome;
}

ParsedLine CommandProcessor::parse_line(std::string_view line, std::size_t line_number,
                                        std::unique_ptr<simdjson::dom::document> document) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
    return ParsedLine{line_number, Status(ErrorCode::invalid_json, "empty line"), std::nullopt};
  }
  std::optional<std::string> command_id;
  auto command = parse_command(line, now_utc(), &command_id, std::move(document));
  return ParsedLine{line_number, std::move(command), std::move(command_id)};
}

CommandOutcome CommandProcessor::handle(StoreTransaction& txn, const ParsedLine& parsed) {
  const std::size_t line_number = parsed.line_number;
  const std::optional<std::string>& command_id = parsed.command_id;
  if (!parsed.command.ok()) return error_result(line_number, command_id, parsed.command.status());
  const ParsedCommand& command = *parsed.command;

  if (command.command_id) {
    auto first = txn.command_result(*command.command_id);
    if (!first.ok()) return error_result(line_number, command_id, first.status());
    if (first->has_value()) return duplicate_result(line_number, command_id, **first);
  }

  Handler handler = find_handler(command.type);
  if (handler == nullptr) {
    return error_result(line_number, command_id,
                        Status(ErrorCode::unknown_command,
                               "'" + command.type + "' is not a command of the spec"));
  }
  if (command.actor.role == Role::auditor || command.actor.role == Role::analyst) {
    return error_result(line_number, command_id,
                        Status(ErrorCode::forbidden, std::string(to_string(command.actor.role)) +
                                                         " is read-only"));
  }
  if (command.actor.role == Role::public_ && command.type != "ReportByPublic") {
    return error_result(line_number, command_id,
                        Status(ErrorCode::forbidden, "the public may only ReportByPublic"));
  }

  HandlerContext context(command, cache_, rules_);
  auto decision = handler(context);
  if (!decision.ok()) return error_result(line_number, command_id, decision.status());

  std::vector<NewEvent> events;
  if (reactive_rules_) {
    auto expanded = with_reactive_rules(std::move(*decision), cache_, rules_, txn.next_position());
    if (!expanded.ok()) return error_result(line_number, command_id, expanded.status());
    events = std::move(*expanded);
  } else {
    events = std::move(*decision);
  }
  auto staged_events = stage_events(txn, cache_, rules_, events, command.expected_version);
  if (!staged_events.ok()) return error_result(line_number, command_id, staged_events.status());
  const StagedAppend* staged = &staged_events->append;

  CommandOutcome outcome{true, line_number, command_id,
                         accepted_line(line_number, command_id, *staged, false)};
  if (command.command_id) txn.remember_command(*command.command_id, encode_command_record(*staged));
  return outcome;
}

}  // namespace redline
