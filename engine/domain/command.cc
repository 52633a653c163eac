#include "engine/domain/command.h"

#include "engine/domain/field_reader.h"

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

Result<CommandActor> parse_actor(const nlohmann::json& object) {
  FieldReader top(object);
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

}  // namespace

Result<ParsedCommand> parse_command(std::string_view line, Timestamp now,
                                    std::optional<std::string>* command_id_out) {
  if (line.size() > kMaxCommandBytes) {
    return Status(ErrorCode::too_large, "command of " + std::to_string(line.size()) +
                                            " bytes is over the 64 KiB limit");
  }
  ParsedCommand command;
  try {
    command.body = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    return Status(ErrorCode::invalid_json, e.what());
  }
  if (!command.body.is_object()) {
    return Status(ErrorCode::invalid_json, "a command must be a JSON object");
  }
  FieldReader fields(command.body);
  // The command id first, so even a rejected command's result line carries it.
  if (!fields.absent("command_id")) {
    const auto& id = command.body["command_id"];
    if (!id.is_string() || id.get<std::string>().empty() || id.get<std::string>().size() > 128) {
      return Status(ErrorCode::invalid_field, "command_id must be a string of 1-128 bytes");
    }
    command.command_id = id.get<std::string>();
    *command_id_out = command.command_id;
  }
  auto type = fields.text("type");
  if (!type.ok()) return type.status();
  command.type = *type;
  auto actor = parse_actor(command.body);
  if (!actor.ok()) return actor.status();
  command.actor = std::move(actor).value();
  command.at = now;
  if (!fields.absent("at")) {
    auto at = fields.instant("at");
    if (!at.ok()) return at.status();
    command.at = *at;
  }
  if (!fields.absent("expected_version")) {
    const auto& expected = command.body["expected_version"];
    if (!expected.is_number_unsigned()) {
      return Status(ErrorCode::invalid_field, "expected_version must be a whole number ≥ 0");
    }
    command.expected_version = StreamVersion(expected.get<std::uint64_t>());
  }
  return command;
}

}  // namespace redline
