// What a reader may see (`--as ROLE[:SCOPE]` on reads, SPEC §3 and issue 3): an
// unannounced inspection stays invisible to the inspected institution until it starts, and
// a public reporter's `contact` is shown only to county and city bureaus and to the
// operator (no --as). Not thread-safe: one filter per read.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "engine/event_store.h"

namespace redline {

struct Viewer {
  std::optional<Role> role;  // nullopt: the operator, who sees everything
  std::optional<std::string> scope;  // institution id for staff, county for a county bureau
};

// "institution_staff:I-1", "county_bureau:LT", "auditor"; invalid_field naming the problem.
Result<Viewer> parse_viewer(std::string_view text);

class VisibilityFilter {
 public:
  VisibilityFilter(const EventStore& store, Viewer viewer) : store_(store), viewer_(std::move(viewer)) {}

  // False when the viewer may not see the event; otherwise may redact it in place.
  Result<bool> admit(Envelope& event);

 private:
  Result<bool> hidden_inspection(const std::string& inspection_id);

  const EventStore& store_;
  Viewer viewer_;
  // Per inspection: unannounced, not started, and inspecting the viewer's institution.
  std::unordered_map<std::string, bool> hidden_inspections_;
};

}  // namespace redline
