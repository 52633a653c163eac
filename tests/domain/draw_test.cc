// The double-random draw: a fixed algorithm (golden values), recorded in the event, and
// re-derived by the audit — also in a fresh store built from the same commands.
#include <gtest/gtest.h>

#include <random>

#include "engine/domain/draw.h"
#include "engine/domain/draw_audit.h"
#include "tests/support/domain_harness.h"
#include "tests/support/sample_events.h"

namespace redline {
namespace {

using testing::city;
using testing::command;
using testing::county;
using testing::json;

TEST(Draw, TheAlgorithmIsFixed) {
  // These values follow from std::mt19937_64, whose output the C++ standard fixes: any
  // conforming build gives the same draw for the same seed.
  std::vector<std::string> candidates;
  for (int i = 10; i >= 1; --i) candidates.push_back("I-" + std::to_string(i));  // order-free
  EXPECT_EQ(double_random_draw(candidates, 4, 20260603),
            (std::vector<std::string>{"I-7", "I-8", "I-5", "I-3"}));
  EXPECT_EQ(double_random_draw({"insp-5", "insp-4", "insp-3", "insp-2", "insp-1"}, 2, 7),
            (std::vector<std::string>{"insp-1", "insp-4"}));
  EXPECT_EQ(double_random_draw({"a", "b"}, 2, 1).size(), 2u);
}

// Step 3 of draw.h written out over the whole list, as the header states it.
std::vector<std::string> draw_as_specified(std::vector<std::string> sorted, std::uint32_t count,
                                           std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::size_t n = sorted.size();
  for (std::size_t i = 0; i < count; ++i) {
    std::swap(sorted[i], sorted[i + rng() % (n - i)]);
  }
  sorted.resize(count);
  return sorted;
}

TEST(Draw, ShufflingOnlyTheMovedPositionsDrawsWhatTheWholeShuffleDraws) {
  std::vector<std::string> candidates;
  for (int i = 0; i < 500; ++i) candidates.push_back("I-" + std::to_string(100000 + i));
  for (std::uint64_t seed : {0ull, 1ull, 7ull, 20260603ull, 18446744073709551615ull}) {
    for (std::uint32_t count : {1u, 2u, 17u, 250u, 499u, 500u}) {
      EXPECT_EQ(draw_from_sorted(candidates, count, seed), draw_as_specified(candidates, count, seed))
          << "seed " << seed << ", count " << count;
      EXPECT_EQ(double_random_draw(candidates, count, seed), draw_from_sorted(candidates, count, seed));
    }
  }
}

// Registers ten institutions in LT and three in XF, then plans a drawn inspection.
std::vector<json> drawn_city() {
  std::vector<json> commands;
  for (int i = 1; i <= 13; ++i) {
    commands.push_back(command("RegisterInstitution", city(),
                               {{"institution_id", "I-" + std::to_string(i)}, {"name", "院"},
                                {"kind", "nursing_home"}, {"county", i <= 10 ? "LT" : "XF"}}));
  }
  commands.push_back(command("PlanInspection", county(),
                             {{"inspection_id", "INS-D"}, {"mode", "unannounced"}, {"county", "LT"},
                              {"agencies", {"消防", "应急"}}, {"draw", {{"count", 4}, {"seed", 20260603}}},
                              {"inspector_draw", {{"pool", {"insp-5", "insp-4", "insp-3", "insp-2", "insp-1"}},
                                                  {"count", 2}, {"seed", 7}}}}));
  return commands;
}

TEST(Draw, PlanInspectionRecordsTheDrawAndTheAuditConfirmsIt) {
  testing::DomainHarness h;
  for (const auto& c : drawn_city()) h.ok(c);
  auto event = h.store().read(h.store().head().position);
  ASSERT_TRUE(event.ok());
  const auto& planned = std::get<InspectionPlanned>(event->data);
  EXPECT_EQ(planned.institutions, (std::vector<std::string>{"I-7", "I-8", "I-5", "I-3"}));
  EXPECT_EQ(planned.inspectors, (std::vector<std::string>{"insp-1", "insp-4"}));
  ASSERT_TRUE(planned.draw && planned.draw->institutions);
  EXPECT_EQ(planned.draw->institutions->candidates, 10u);
  auto audit = audit_draw(h.store(), "INS-D");
  ASSERT_TRUE(audit.ok()) << audit.status().to_string();
  EXPECT_TRUE(audit->matches) << audit->problem;
  EXPECT_EQ(audit->candidates, 10u);
}

TEST(Draw, SameDrawInAFreshStore) {
  testing::DomainHarness first;
  testing::DomainHarness second;
  for (const auto& c : drawn_city()) {
    first.ok(c);
    second.ok(c);
  }
  auto a = first.store().read(first.store().head().position);
  auto b = second.store().read(second.store().head().position);
  EXPECT_EQ(std::get<InspectionPlanned>(a->data).institutions,
            std::get<InspectionPlanned>(b->data).institutions);
}

TEST(Draw, CountsOutsideTheCandidatesAreRefused) {
  testing::DomainHarness h;
  h.city_with_institutions();  // two in LT
  json r = h.rejected(command("PlanInspection", county(),
                              {{"inspection_id", "INS-1"}, {"mode", "spot_check"}, {"county", "LT"},
                               {"agencies", json::array()}, {"draw", {{"count", 3}, {"seed", 1}}},
                               {"inspectors", {"insp-1"}}}),
                      "invalid_field");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("2 registered institutions of county LT"),
            std::string::npos)
      << r.dump();
  h.rejected(command("PlanInspection", county(),
                     {{"inspection_id", "INS-1"}, {"mode", "spot_check"}, {"county", "LT"},
                      {"agencies", json::array()}, {"draw", {{"count", 1}, {"seed", 1}}},
                      {"institutions", {"I-1"}}, {"inspectors", {"insp-1"}}}),
             "invalid_field");
}

TEST(Draw, AuditNamesADrawThatDoesNotFollowFromItsSeed) {
  testing::DomainHarness h;
  for (int i = 0; i < 12; ++i) h.ok(drawn_city()[static_cast<std::size_t>(i)]);
  // An InspectionPlanned written around the handler, claiming a draw it did not make.
  InspectionPlanned forged{"INS-F", InspectionMode::spot_check, "LT", {}, {"I-1", "I-2"}, {"insp-1"},
                           DrawRecord{InstitutionDraw{2, 99, 10}, std::nullopt}};
  testing::append_committed(h.store(), {testing::new_event("inspection-INS-F", forged)});
  auto audit = audit_draw(h.store(), "INS-F");
  ASSERT_TRUE(audit.ok());
  EXPECT_FALSE(audit->matches);
  EXPECT_EQ(audit->problem, "the recorded institutions differ from the draw");
  EXPECT_EQ(audit_draw(h.store(), "INS-404").status().code(), ErrorCode::not_found);
}

}  // namespace
}  // namespace redline
