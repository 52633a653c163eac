#include "engine/domain/command_processor.h"

#include "engine/domain/command.h"
#include "engine/domain/directory.h"
#include "engine/domain/handlers.h"
#include "events/time.h"

namespace redline {

nlohmann::ordered_json CommandProcessor::error_result(std::size_t line_number,
                                                      const std::optional<std::string>& command_id,
                                                      const Status& status) {
  nlohmann::ordered_json result;
  result["ok"] = false;
  result["line"] = line_number;
  result["command_id"] = command_id ? nlohmann::ordered_json(*command_id) : nullptr;
  result["error"] = {{"code", std::string(error_code_name(status.code()))},
                     {"message", status.message()}};
  return result;
}

nlohmann::ordered_json CommandProcessor::handle(StoreTransaction& txn, std::string_view line,
                                                std::size_t line_number) {
  std::optional<std::string> command_id;
  auto parsed = parse_command(line, now_utc(), &command_id);
  if (!parsed.ok()) return error_result(line_number, command_id, parsed.status());
  const ParsedCommand& command = *parsed;

  if (command.command_id) {
    auto first = txn.command_result(*command.command_id);
    if (!first.ok()) return error_result(line_number, command_id, first.status());
    if (first->has_value()) {
      auto result = nlohmann::ordered_json::parse(**first, nullptr, /*allow_exceptions=*/false);
      if (result.is_discarded()) {
        return error_result(line_number, command_id,
                            Status(ErrorCode::storage_error, "stored result of command_id " +
                                                                 *command.command_id +
                                                                 " is unreadable"));
      }
      result["line"] = line_number;
      result["duplicate"] = true;
      return result;
    }
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

  // Every state the decision changes is loaded before anything is staged, so following
  // the staged events below cannot fail halfway.
  for (const NewEvent& event : *decision) {
    Status loaded = cache_.preload(event);
    if (!loaded.ok()) return error_result(line_number, command_id, loaded);
  }
  auto staged = txn.append(*decision, command.expected_version);
  if (!staged.ok()) return error_result(line_number, command_id, staged.status());
  stage_directory_entries(txn, *decision);
  for (const NewEvent& event : *decision) {
    (void)cache_.apply(event);  // loaded above: only folds
  }

  nlohmann::ordered_json result;
  result["ok"] = true;
  result["line"] = line_number;
  result["command_id"] = command_id ? nlohmann::ordered_json(*command_id) : nullptr;
  result["stream"] = staged->stream;
  result["version"] = staged->version.value();
  result["first_position"] = staged->first_position.value();
  result["last_position"] = staged->last_position.value();
  result["events"] = staged->types;
  if (command.command_id) txn.remember_command(*command.command_id, result.dump());
  return result;
}

}  // namespace redline
