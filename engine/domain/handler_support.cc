#include "engine/domain/handler_support.h"

namespace redline {

NewEvent HandlerContext::event(std::string stream, Event data) const {
  NewEvent event;
  event.stream = std::move(stream);
  event.data = std::move(data);
  event.occurred_at = command.at;
  event.actor = command.actor.envelope_actor();
  event.command_id = command.command_id;
  return event;
}

Status require_role(const CommandActor& actor, std::initializer_list<Role> roles,
                    std::string_view command_type) {
  for (Role role : roles) {
    if (actor.role == role) return Status::Ok();
  }
  std::string allowed;
  for (Role role : roles) {
    if (!allowed.empty()) allowed += ", ";
    allowed += to_string(role);
  }
  return Status(ErrorCode::forbidden, std::string(to_string(actor.role)) + " may not " +
                                          std::string(command_type) + " (only " + allowed + ")");
}

Status require_bureau_of(const CommandActor& actor, std::string_view county,
                         std::string_view what) {
  if (actor.role == Role::city_bureau) return Status::Ok();
  if (actor.role == Role::county_bureau) {
    if (actor.county && *actor.county == county) return Status::Ok();
    return Status(ErrorCode::forbidden, "county bureau of " + actor.county.value_or("?") +
                                            " may not act on " + std::string(what) +
                                            " in county " + std::string(county));
  }
  return Status(ErrorCode::forbidden, std::string(to_string(actor.role)) + " may not act on " +
                                          std::string(what));
}

Status require_institution_access(const CommandActor& actor, std::string_view institution_id,
                                  std::string_view county, std::string_view what) {
  if (actor.role == Role::institution_staff) {
    if (actor.institution_id && *actor.institution_id == institution_id) return Status::Ok();
    return Status(ErrorCode::forbidden, "staff of institution " +
                                            actor.institution_id.value_or("?") +
                                            " may not act on " + std::string(what) +
                                            " of institution " + std::string(institution_id));
  }
  return require_bureau_of(actor, county, what);
}

Status not_found(std::string what) { return Status(ErrorCode::not_found, std::move(what)); }
Result<const UnitState*> registered_unit(HandlerContext& c, const std::string& id) {
  auto unit = c.cache.unit(id);
  if (unit.ok() && !(*unit)->exists) return not_found("unit " + id + " is not registered");
  return unit;
}

Result<const InstitutionState*> registered_institution(HandlerContext& c, const std::string& id) {
  auto institution = c.cache.institution(id);
  if (institution.ok() && !(*institution)->exists) {
    return not_found("institution " + id + " is not registered");
  }
  return institution;
}

Status already_exists(std::string what) {
  return Status(ErrorCode::already_exists, std::move(what));
}
Status invalid_transition(std::string what) {
  return Status(ErrorCode::invalid_transition, std::move(what));
}

}  // namespace redline
