// What command handlers share: the context they decide in, the event builder, the role
// checks of SPEC §3 and the small error helpers. Engine-internal; not thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/domain/command.h"
#include "engine/domain/domain_cache.h"
#include "engine/domain/field_reader.h"

namespace redline {

class HandlerContext {
 public:
  HandlerContext(const ParsedCommand& parsed, DomainCache& states, const RulesConfig& settings)
      : command(parsed), cache(states), rules(settings), fields(parsed.body) {}

  // An event on `stream` at the command's time, by its actor, carrying its command id.
  // (Callers pass a copy of the event when the stream id is read from it: argument
  // evaluation order is unspecified, so it must not be moved in the same call.)
  NewEvent event(std::string stream, Event data) const;

  const ParsedCommand& command;
  DomainCache& cache;
  const RulesConfig& rules;
  FieldReader fields;
};

using Decision = std::vector<NewEvent>;

// forbidden unless the actor has one of `roles`.
Status require_role(const CommandActor& actor, std::initializer_list<Role> roles,
                    std::string_view command_type);
// city_bureau anywhere; county_bureau in its own county; nobody else.
Status require_bureau_of(const CommandActor& actor, std::string_view county,
                         std::string_view what);
// As require_bureau_of, and also the institution's own staff.
Status require_institution_access(const CommandActor& actor, std::string_view institution_id,
                                  std::string_view county, std::string_view what);

Status not_found(std::string what);
// The state of a registered unit or institution; not_found ("… is not registered") if not.
Result<const UnitState*> registered_unit(HandlerContext& c, const std::string& id);
Result<const InstitutionState*> registered_institution(HandlerContext& c, const std::string& id);
Status already_exists(std::string what);
Status invalid_transition(std::string what);


}  // namespace redline
