// The example C++ projection of projections/examples/: registered at start-up, maintained
// and rebuilt like a built-in.
#include <gtest/gtest.h>

#include "projections/projection_store.h"
#include "tests/support/domain_harness.h"

namespace redline {
namespace {

using testing::command;
using testing::staff;

TEST(ExampleProjection, DrillsByKindIsRegisteredMaintainedAndRebuilt) {
  testing::DomainHarness h;
  h.city_with_institutions();
  int n = 0;
  for (const auto& [institution, kind] : {std::pair{"I-1", "fire_drill"}, {"I-2", "fire_drill"},
                                          {"I-1", "evacuation_drill"}, {"I-9", "fire_drill"}}) {
    const std::string actor_id = std::string("staff-") + institution;
    h.ok(command("RecordDrill", staff(institution, actor_id),
                 {{"drill_id", "D-" + std::to_string(++n)}, {"institution_id", institution}, {"kind", kind},
                  {"held_on", "2026-06-05"}, {"instructor", "internal"}, {"participants", 10}}));
  }
  auto projections = ProjectionStore::open(h.store(), ProjectionSettings{}).value();
  ASSERT_TRUE(projections->has("drills_by_kind"));
  ASSERT_TRUE(projections->catch_up().ok());
  auto counts = [&] {
    std::map<std::string, std::string> out;
    EXPECT_TRUE(projections->scan("drills_by_kind", "n/", [&](std::string_view k, std::string_view v) {
      out.emplace(std::string(k), std::string(v));
      return true;
    }).ok());
    return out;
  };
  const std::map<std::string, std::string> expected{
      {"n/LT/evacuation_drill", "1"}, {"n/LT/fire_drill", "2"}, {"n/XF/fire_drill", "1"}};
  EXPECT_EQ(counts(), expected);
  ASSERT_TRUE(projections->rebuild("drills_by_kind").ok());
  EXPECT_EQ(counts(), expected);
}

}  // namespace
}  // namespace redline
