// RegisterUnit, RegisterInstitution, AppointLiaison, SignResponsibilityLetter,
// RegisterVolunteer.
#include "engine/domain/handlers.h"

namespace redline {

Result<Decision> register_unit(HandlerContext& c) {
  REDLINE_RETURN_IF_ERROR(require_role(c.command.actor, {Role::city_bureau}, "RegisterUnit"));
  UnitRegistered e;
  REDLINE_ASSIGN(e.unit_id, c.fields.id("unit_id"));
  REDLINE_ASSIGN(e.name, c.fields.text("name"));
  REDLINE_ASSIGN(e.kind, c.fields.choice<UnitKind>("kind"));
  REDLINE_ASSIGN(e.county, c.fields.optional_id("county"));
  if (e.kind == UnitKind::county_bureau && !e.county) {
    return Status(ErrorCode::missing_field, "county");
  }
  const UnitState* unit;
  REDLINE_ASSIGN(unit, c.cache.unit(e.unit_id));
  if (unit->exists) return already_exists("unit " + e.unit_id + " is already registered");
  return Decision{c.event(unit_stream(e.unit_id), Event(e))};
}

Result<Decision> register_institution(HandlerContext& c) {
  InstitutionRegistered e;
  REDLINE_ASSIGN(e.institution_id, c.fields.id("institution_id"));
  REDLINE_ASSIGN(e.name, c.fields.text("name"));
  REDLINE_ASSIGN(e.kind, c.fields.choice<InstitutionKind>("kind"));
  REDLINE_ASSIGN(e.county, c.fields.id("county"));
  REDLINE_ASSIGN(e.capacity, c.fields.optional_count("capacity", 1'000'000));
  REDLINE_RETURN_IF_ERROR(require_bureau_of(c.command.actor, e.county, "institutions"));
  const InstitutionState* institution;
  REDLINE_ASSIGN(institution, c.cache.institution(e.institution_id));
  if (institution->exists) {
    return already_exists("institution " + e.institution_id + " is already registered");
  }
  return Decision{c.event(institution_stream(e.institution_id), Event(e))};
}

Result<Decision> appoint_liaison(HandlerContext& c) {
  LiaisonAppointed e;
  REDLINE_ASSIGN(e.unit_id, c.fields.id("unit_id"));
  REDLINE_ASSIGN(e.name, c.fields.text("name"));
  REDLINE_ASSIGN(e.phone, c.fields.text("phone"));
  const UnitState* unit;
  REDLINE_ASSIGN(unit, registered_unit(c, e.unit_id));
  if (c.command.actor.role != Role::city_bureau) {
    REDLINE_RETURN_IF_ERROR(
        require_bureau_of(c.command.actor, unit->county.value_or(""), "units"));
  }
  return Decision{c.event(unit_stream(e.unit_id), Event(e))};
}

Result<Decision> sign_responsibility_letter(HandlerContext& c) {
  ResponsibilityLetterSigned e;
  REDLINE_ASSIGN(e.letter_id, c.fields.id("letter_id"));
  REDLINE_ASSIGN(e.from_unit, c.fields.id("from_unit"));
  REDLINE_ASSIGN(e.to_unit, c.fields.id("to_unit"));
  REDLINE_ASSIGN(e.scope, c.fields.text("scope"));
  REDLINE_ASSIGN(e.signed_on, c.fields.day("signed_on"));
  REDLINE_RETURN_IF_ERROR(registered_unit(c, e.from_unit).status());
  // The letter goes to a unit or to an institution, and is recorded on the recipient.
  const UnitState* to_unit;
  REDLINE_ASSIGN(to_unit, c.cache.unit(e.to_unit));
  const InstitutionState* to_institution;
  REDLINE_ASSIGN(to_institution, c.cache.institution(e.to_unit));
  std::string stream;
  std::string county;
  if (to_institution->exists) {
    stream = institution_stream(e.to_unit);
    county = to_institution->county;
  } else if (to_unit->exists) {
    stream = unit_stream(e.to_unit);
    county = to_unit->county.value_or("");
  } else {
    return not_found("to_unit " + e.to_unit + " is neither a unit nor an institution");
  }
  if (c.command.actor.role != Role::city_bureau) {
    REDLINE_RETURN_IF_ERROR(require_bureau_of(c.command.actor, county, "responsibility letters"));
  }
  return Decision{c.event(std::move(stream), std::move(e))};
}

Result<Decision> register_volunteer(HandlerContext& c) {
  REDLINE_RETURN_IF_ERROR(
      require_role(c.command.actor, {Role::city_bureau}, "RegisterVolunteer"));
  VolunteerRegistered e;
  REDLINE_ASSIGN(e.volunteer_id, c.fields.id("volunteer_id"));
  REDLINE_ASSIGN(e.name, c.fields.text("name"));
  REDLINE_ASSIGN(e.kind, c.fields.choice<VolunteerKind>("kind"));
  const VolunteerState* volunteer;
  REDLINE_ASSIGN(volunteer, c.cache.volunteer(e.volunteer_id));
  if (volunteer->exists) {
    return already_exists("volunteer " + e.volunteer_id + " is already registered");
  }
  return Decision{c.event(volunteer_stream(e.volunteer_id), Event(e))};
}

}  // namespace redline
