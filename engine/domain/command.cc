#include "engine/domain/command.h"

#include "engine/domain/field_reader.h"

#include <nlohmann/json.hpp>

namespace redline {

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

Result<CommandActor> parse_actor(const FieldReader& top) {
  auto actor_json = top.object("actor", /*required=*/true);
  if (!actor_json.ok()) return actor_json.status();
  FieldReader fields(**actor_json, "actor.");
  CommandActor actor;
  auto id = fields.id("id");
  if (!id.ok()) return id.status();
  actor.id = *id;
  auto role = fields.choice<Role>("role");
  if (!role.ok()) return role.status();
  actor.role = *role;
  auto institution = fields.optional_id("institution_id");
  if (!institution.ok()) return institution.status();
  actor.institution_id = *institution;
  auto county = fields.optional_id("county");
  if (!county.ok()) return county.status();
  actor.county = *county;
  if (actor.role == Role::system) {
    return Status(ErrorCode::forbidden, "the role system is the rule engine's own; "
                                        "it is never accepted from outside");
  }
  if (actor.role == Role::institution_staff && !actor.institution_id) {
    return Status(ErrorCode::missing_field, "actor.institution_id");
  }
  if (actor.role == Role::county_bureau && !actor.county) {
    return Status(ErrorCode::missing_field, "actor.county");
  }
  return actor;
}

// The fast parser says only what kind of error; the JSON library says where it is.
std::string describe_json_error(std::string_view line, simdjson::error_code error) {
  try {
    const auto parsed = nlohmann::json::parse(line);
    (void)parsed;
  } catch (const nlohmann::json::exception& e) {
    return e.what();
  }
  return std::string("not valid JSON: ") + simdjson::error_message(error);
}

}  // namespace

Result<ParsedCommand> parse_command(std::string_view line, Timestamp now,
                                    std::optional<std::string>* command_id_out,
                                    std::unique_ptr<simdjson::dom::document> document) {
  if (line.size() > kMaxCommandBytes) {
    return Status(ErrorCode::too_large, "command of " + std::to_string(line.size()) +
                                            " bytes is over the 64 KiB limit");
  }
  ParsedCommand command;
  command.document =
      document != nullptr ? std::move(document) : std::make_unique<simdjson::dom::document>();
  // One parser per thread: it keeps its buffers from line to line.
  thread_local simdjson::dom::parser parser;
  if (auto error = parser.parse_into_document(*command.document, line.data(), line.size())
                       .get(command.body);
      error != simdjson::SUCCESS) {
    return Status(ErrorCode::invalid_json, describe_json_error(line, error));
  }
  if (!command.body.is_object()) {
    return Status(ErrorCode::invalid_json, "a command must be a JSON object");
  }
  FieldReader fields(command.body);
  // The command id first, so even a rejected command's result line carries it.
  if (!fields.absent("command_id")) {
    auto id = fields.text("command_id");
    if (!id.ok() || id->size() > 128) {
      return Status(ErrorCode::invalid_field, "command_id must be a string of 1-128 bytes");
    }
    command.command_id = std::move(id).value();
    *command_id_out = command.command_id;
  }
  auto type = fields.text("type");
  if (!type.ok()) return type.status();
  command.type = *type;
  auto actor = parse_actor(fields);
  if (!actor.ok()) return actor.status();
  command.actor = std::move(actor).value();
  command.at = now;
  if (!fields.absent("at")) {
    auto at = fields.instant("at");
    if (!at.ok()) return at.status();
    command.at = *at;
  }
  if (!fields.absent("expected_version")) {
    auto expected = fields.seed("expected_version");
    if (!expected.ok()) return expected.status();
    command.expected_version = StreamVersion(*expected);
  }
  return command;
}

}  // namespace redline
