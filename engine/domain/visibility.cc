#include "engine/domain/visibility.h"

#include <algorithm>

#include "engine/domain/command.h"
#include "engine/domain/state.h"

namespace redline {

Result<Viewer> parse_viewer(std::string_view text) {
  Viewer viewer;
  const auto colon = text.find(':');
  const std::string_view role_text = text.substr(0, colon);
  auto role = parse_enum<Role>(role_text);
  if (!role) {
    return Status(ErrorCode::invalid_field, "--as role '" + std::string(role_text) +
                                                "' is not one of " + enum_choices<Role>());
  }
  viewer.role = *role;
  if (colon != std::string_view::npos) {
    const std::string scope(text.substr(colon + 1));
    if (!is_valid_id(scope)) {
      return Status(ErrorCode::invalid_field, "--as scope '" + scope + "' is not an id");
    }
    viewer.scope = scope;
  }
  if ((*role == Role::institution_staff || *role == Role::county_bureau) && !viewer.scope) {
    return Status(ErrorCode::invalid_field, "--as " + std::string(role_text) +
                                                " needs a scope, e.g. " + std::string(role_text) +
                                                (*role == Role::institution_staff ? ":I-1" : ":LT"));
  }
  return viewer;
}

Result<bool> VisibilityFilter::hidden_inspection(const std::string& inspection_id) {
  auto cached = hidden_inspections_.find(inspection_id);
  if (cached != hidden_inspections_.end()) return cached->second;
  InspectionState inspection;
  auto positions = store_.stream_positions(inspection_stream(inspection_id));
  if (!positions.ok()) return positions.status();
  for (Position position : *positions) {
    auto envelope = store_.read(position);
    if (!envelope.ok()) return envelope.status();
    apply(inspection, facts_of(*envelope));
  }
  const bool hidden =
      inspection.exists && inspection.mode == InspectionMode::unannounced && !inspection.started &&
      std::find(inspection.institutions.begin(), inspection.institutions.end(), *viewer_.scope) !=
          inspection.institutions.end();
  hidden_inspections_.emplace(inspection_id, hidden);
  return hidden;
}

Result<bool> VisibilityFilter::admit(Envelope& event) {
  if (!viewer_.role) return true;  // the operator
  const Role role = *viewer_.role;
  if (role == Role::institution_staff && event.stream.starts_with("inspection-")) {
    auto hidden = hidden_inspection(event.stream.substr(std::string_view("inspection-").size()));
    if (!hidden.ok()) return hidden.status();
    if (*hidden) return false;
  }
  if (role != Role::county_bureau && role != Role::city_bureau) {
    if (auto* report = std::get_if<PublicReportReceived>(&event.data)) report->contact.reset();
  }
  return true;
}

}  // namespace redline
