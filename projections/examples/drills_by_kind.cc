// An example C++ projection, as an analyst would write one (README: "Custom projections"):
// drills held per county and drill kind. It reads DrillRecorded events, keeps one counter
// per "COUNTY/KIND" key, and needs the county of each institution, which it learns from
// InstitutionRegistered under "inst/ID". Registered at start-up under "drills_by_kind";
// `redline projection rebuild drills_by_kind` rebuilds it like any other.
#include <string>

#include "projections/projection.h"

namespace redline::examples {

class DrillsByKind final : public Projection {
 public:
  explicit DrillsByKind(const ProjectionSettings&) {}
  std::string name() const override { return "drills_by_kind"; }

  Status apply(const Envelope& event, ProjectionBatch& batch) override {
    if (const auto* registered = std::get_if<InstitutionRegistered>(&event.data)) {
      batch.put("inst/" + registered->institution_id, registered->county);
      return Status::Ok();
    }
    const auto* drill = std::get_if<DrillRecorded>(&event.data);
    if (drill == nullptr) return Status::Ok();
    auto county = batch.get("inst/" + drill->institution_id);
    if (!county.ok()) return county.status();
    const std::string key =
        "n/" + county->value_or("?") + "/" + std::string(to_string(drill->kind));
    auto count = batch.get(key);
    if (!count.ok()) return count.status();
    const long long next = count->has_value() ? std::stoll(**count) + 1 : 1;
    batch.put(key, std::to_string(next));
    return Status::Ok();
  }
};

REDLINE_REGISTER_PROJECTION("drills_by_kind", DrillsByKind);

}  // namespace redline::examples
