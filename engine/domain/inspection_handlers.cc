// PlanInspection, StartInspection, CompleteInspection.
#include <algorithm>
#include <set>

#include "engine/domain/draw.h"
#include "engine/domain/handlers.h"

namespace redline {
namespace {

Result<const InspectionState*> named_inspection(HandlerContext& c, std::string* id) {
  REDLINE_ASSIGN(*id, c.fields.id("inspection_id"));
  const InspectionState* inspection;
  REDLINE_ASSIGN(inspection, c.cache.inspection(*id));
  if (!inspection->exists) return not_found("inspection " + *id + " is not planned");
  return inspection;
}

// The inspection's bureaus, and inspectors on it.
Status require_inspection_access(HandlerContext& c, const InspectionState& inspection) {
  const CommandActor& actor = c.command.actor;
  if (actor.role == Role::inspector) {
    if (std::find(inspection.inspectors.begin(), inspection.inspectors.end(), actor.id) !=
        inspection.inspectors.end()) {
      return Status::Ok();
    }
    return Status(ErrorCode::forbidden, "inspector " + actor.id + " is not on this inspection");
  }
  REDLINE_RETURN_IF_ERROR(
      require_role(actor, {Role::county_bureau, Role::city_bureau}, c.command.type));
  if (actor.role == Role::city_bureau) return Status::Ok();
  return require_bureau_of(actor, inspection.county.value_or(""), "inspections");
}

}  // namespace

Result<Decision> plan_inspection(HandlerContext& c) {
  const CommandActor& actor = c.command.actor;
  REDLINE_RETURN_IF_ERROR(
      require_role(actor, {Role::county_bureau, Role::city_bureau}, "PlanInspection"));
  InspectionPlanned e;
  REDLINE_ASSIGN(e.inspection_id, c.fields.id("inspection_id"));
  REDLINE_ASSIGN(e.mode, c.fields.choice<InspectionMode>("mode"));
  REDLINE_ASSIGN(e.county, c.fields.optional_id("county"));
  if (actor.role == Role::county_bureau) {
    if (!e.county) return Status(ErrorCode::missing_field, "county");
    REDLINE_RETURN_IF_ERROR(require_bureau_of(actor, *e.county, "inspections"));
  }
  REDLINE_ASSIGN(e.agencies, c.fields.text_list("agencies"));
  DrawRecord draw;
  // Institutions: listed, or drawn from the county's registered institutions.
  std::optional<JsonValue> institution_draw;
  REDLINE_ASSIGN(institution_draw, c.fields.object("draw", /*required=*/false));
  if (institution_draw) {
    if (!c.fields.absent("institutions")) {
      return Status(ErrorCode::invalid_field, "give institutions or draw, not both");
    }
    FieldReader fields(*institution_draw, "draw.");
    InstitutionDraw record;
    REDLINE_ASSIGN(record.count, fields.count("count", 100'000));
    REDLINE_ASSIGN(record.seed, fields.seed("seed"));
    const std::vector<std::string>* candidates;
    REDLINE_ASSIGN(candidates, c.cache.institutions_in(e.county));
    if (record.count == 0 || record.count > candidates->size()) {
      return Status(ErrorCode::invalid_field,
                    "draw.count " + std::to_string(record.count) + " must be between 1 and the " +
                        std::to_string(candidates->size()) + " registered institutions" +
                        (e.county ? " of county " + *e.county : std::string()));
    }
    record.candidates = static_cast<std::uint32_t>(candidates->size());
    // institutions_in keeps them sorted.
    e.institutions = draw_from_sorted(*candidates, record.count, record.seed);
    draw.institutions = record;
  } else {
    REDLINE_ASSIGN(e.institutions, c.fields.id_list("institutions", /*required=*/true));
  }
  // Inspectors: listed, or drawn from a pool.
  std::optional<JsonValue> inspector_draw;
  REDLINE_ASSIGN(inspector_draw, c.fields.object("inspector_draw", /*required=*/false));
  if (inspector_draw) {
    if (!c.fields.absent("inspectors")) {
      return Status(ErrorCode::invalid_field, "give inspectors or inspector_draw, not both");
    }
    FieldReader fields(*inspector_draw, "inspector_draw.");
    InspectorDraw record;
    REDLINE_ASSIGN(record.pool, fields.id_list("pool", /*required=*/true));
    REDLINE_ASSIGN(record.count, fields.count("count", 100'000));
    REDLINE_ASSIGN(record.seed, fields.seed("seed"));
    if (std::set(record.pool.begin(), record.pool.end()).size() != record.pool.size()) {
      return Status(ErrorCode::invalid_field, "inspector_draw.pool lists an inspector twice");
    }
    if (record.count == 0 || record.count > record.pool.size()) {
      return Status(ErrorCode::invalid_field, "inspector_draw.count must be between 1 and the " +
                                                  std::to_string(record.pool.size()) +
                                                  " inspectors of the pool");
    }
    e.inspectors = double_random_draw(record.pool, record.count, record.seed);
    draw.inspectors = std::move(record);
  } else {
    REDLINE_ASSIGN(e.inspectors, c.fields.id_list("inspectors", /*required=*/true));
  }
  if (draw.institutions || draw.inspectors) e.draw = std::move(draw);
  if (e.institutions.empty()) {
    return Status(ErrorCode::invalid_field, "institutions must name at least one institution");
  }
  if (e.inspectors.empty()) {
    return Status(ErrorCode::invalid_field, "inspectors must name at least one inspector");
  }
  if (std::set(e.institutions.begin(), e.institutions.end()).size() != e.institutions.size()) {
    return Status(ErrorCode::invalid_field, "institutions lists an institution twice");
  }
  for (const auto& institution_id : e.institutions) {
    const InstitutionState* institution;
    REDLINE_ASSIGN(institution, registered_institution(c, institution_id));
    if (e.county && institution->county != *e.county) {
      return Status(ErrorCode::invalid_field, "institution " + institution_id + " is in county " +
                                                  institution->county + ", not " + *e.county);
    }
  }
  const InspectionState* inspection;
  REDLINE_ASSIGN(inspection, c.cache.inspection(e.inspection_id));
  if (inspection->exists) {
    return already_exists("inspection " + e.inspection_id + " is already planned");
  }
  return Decision{c.event(inspection_stream(e.inspection_id), Event(e))};
}

Result<Decision> start_inspection(HandlerContext& c) {
  std::string id;
  const InspectionState* inspection;
  REDLINE_ASSIGN(inspection, named_inspection(c, &id));
  REDLINE_RETURN_IF_ERROR(require_inspection_access(c, *inspection));
  if (inspection->started) return invalid_transition("inspection " + id + " has already started");
  return Decision{c.event(inspection_stream(id), InspectionStarted{id})};
}

Result<Decision> complete_inspection(HandlerContext& c) {
  std::string id;
  const InspectionState* inspection;
  REDLINE_ASSIGN(inspection, named_inspection(c, &id));
  InspectionCompleted e{id, ""};
  REDLINE_ASSIGN(e.summary, c.fields.text("summary"));
  REDLINE_RETURN_IF_ERROR(require_inspection_access(c, *inspection));
  if (!inspection->started) {
    return invalid_transition("inspection " + id + " has not started; CompleteInspection needs it started");
  }
  if (inspection->completed) return invalid_transition("inspection " + id + " is already completed");
  return Decision{c.event(inspection_stream(id), std::move(e))};
}

}  // namespace redline
