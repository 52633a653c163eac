// The projection registry: the built-ins first, then what register_projection() added.
#include <mutex>

#include "projections/builtin_projections.h"
#include "projections/projection.h"

namespace redline {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::pair<std::string, ProjectionFactory>> factories;
};

Registry& registry() {
  static Registry* instance = [] {
    auto* r = new Registry();
    r->factories.emplace_back(std::string(kHazardStatus), make_hazard_status_projection);
    r->factories.emplace_back(std::string(kSupervisionBoard), make_supervision_board_projection);
    r->factories.emplace_back(std::string(kInstitutionScorecard),
                              make_institution_scorecard_projection);
    r->factories.emplace_back(std::string(kCountySummary), make_county_summary_projection);
    return r;
  }();
  return *instance;
}

}  // namespace

void register_projection(const std::string& name, ProjectionFactory factory) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (auto& [existing, f] : r.factories) {
    if (existing == name) {
      f = std::move(factory);  // registering again replaces
      return;
    }
  }
  r.factories.emplace_back(name, std::move(factory));
}

std::vector<std::pair<std::string, ProjectionFactory>> registered_projections() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return r.factories;
}

bool is_builtin_projection(std::string_view name) {
  return name == kHazardStatus || name == kSupervisionBoard || name == kInstitutionScorecard ||
         name == kCountySummary;
}

}  // namespace redline
