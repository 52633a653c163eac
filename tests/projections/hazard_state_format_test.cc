// The stored form of a HazardState: every field survives a round trip, absent optionals stay
// absent, and damaged bytes are refused rather than decoded into states that cannot exist.
#include <gtest/gtest.h>

#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>

#include "events/archives.h"
#include "projections/builtin_projections.h"

namespace redline {
namespace {

HazardState everything_set() {
  HazardState s;
  s.exists = true;
  s.institution_id = "I-福利院-7";
  s.county = "LT";
  s.category = Category::food_safety;
  s.phase = HazardPhase::submitted;
  s.severity = Severity::major;
  s.classified_at = Timestamp(1'780'000'000'000);
  s.listed = ListingLevel::city;
  s.escalation = EscalationLevel::government;
  s.has_plan = true;
  s.rectification_limit = Timestamp(1'780'100'000'000);
  s.plan_deadline = Timestamp(1'780'050'000'000);
  s.rectification_deadline = Timestamp(1'780'090'000'000);
  s.deadline_armed_at = Timestamp(1'780'010'000'000);
  s.deadline_armed_by = Position(4'242);
  s.submitted_by = "staff-9";
  s.submitted_at = Timestamp(1'780'020'000'000);
  s.submitted_position = Position(5'000);
  s.verification_overdue = true;
  s.reopen_count = 3;
  s.overdue = true;
  s.ever_overdue = true;
  s.missed_at = Timestamp(1'780'030'000'000);
  s.missed_position = Position(4'900);
  s.overdue_escalations = 2;
  s.updated_at = Timestamp(1'780'040'000'000);
  return s;
}

void expect_same(const HazardState& a, const HazardState& b) {
  EXPECT_EQ(a.exists, b.exists);
  EXPECT_EQ(a.institution_id, b.institution_id);
  EXPECT_EQ(a.county, b.county);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.phase, b.phase);
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.classified_at, b.classified_at);
  EXPECT_EQ(a.listed, b.listed);
  EXPECT_EQ(a.escalation, b.escalation);
  EXPECT_EQ(a.has_plan, b.has_plan);
  EXPECT_EQ(a.rectification_limit, b.rectification_limit);
  EXPECT_EQ(a.plan_deadline, b.plan_deadline);
  EXPECT_EQ(a.rectification_deadline, b.rectification_deadline);
  EXPECT_EQ(a.deadline_armed_at, b.deadline_armed_at);
  EXPECT_EQ(a.deadline_armed_by, b.deadline_armed_by);
  EXPECT_EQ(a.submitted_by, b.submitted_by);
  EXPECT_EQ(a.submitted_at, b.submitted_at);
  EXPECT_EQ(a.submitted_position, b.submitted_position);
  EXPECT_EQ(a.verification_overdue, b.verification_overdue);
  EXPECT_EQ(a.reopen_count, b.reopen_count);
  EXPECT_EQ(a.overdue, b.overdue);
  EXPECT_EQ(a.ever_overdue, b.ever_overdue);
  EXPECT_EQ(a.missed_at, b.missed_at);
  EXPECT_EQ(a.missed_position, b.missed_position);
  EXPECT_EQ(a.overdue_escalations, b.overdue_escalations);
  EXPECT_EQ(a.updated_at, b.updated_at);
}

TEST(HazardStateFormat, EveryFieldSurvivesARoundTrip) {
  const HazardState state = everything_set();
  auto decoded = decode_hazard_state(encode_hazard_state(state));
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  expect_same(*decoded, state);
  // Each flag on its own, so none is stored in another's place.
  for (bool HazardState::*flag : {&HazardState::exists, &HazardState::has_plan,
                                  &HazardState::verification_overdue, &HazardState::overdue,
                                  &HazardState::ever_overdue}) {
    HazardState one;
    one.*flag = true;
    auto back = decode_hazard_state(encode_hazard_state(one));
    ASSERT_TRUE(back.ok());
    expect_same(*back, one);
  }
}

TEST(HazardStateFormat, AbsentOptionalsStayAbsent) {
  const HazardState fresh;
  auto decoded = decode_hazard_state(encode_hazard_state(fresh));
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  expect_same(*decoded, fresh);
  EXPECT_FALSE(decoded->severity);
  EXPECT_FALSE(decoded->listed);
  EXPECT_FALSE(decoded->rectification_limit);
  EXPECT_FALSE(decoded->submitted_by);
  // A deadline at the epoch itself is still a deadline.
  HazardState at_zero;
  at_zero.plan_deadline = Timestamp(0);
  auto back = decode_hazard_state(encode_hazard_state(at_zero));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->plan_deadline, std::optional(Timestamp(0)));
}

TEST(HazardStateFormat, DamagedBytesAreRefused) {
  const std::string good = encode_hazard_state(everything_set());
  ASSERT_TRUE(decode_hazard_state(good).ok());
  // The fixed block is the last 104 bytes: flags (2 bytes) at 96, then category, phase,
  // severity, listed, escalation and a reserved byte.
  const std::size_t block = good.size() - 104;
  auto with = [&](std::size_t offset, char byte) {
    std::string bad = good;
    bad[block + offset] = byte;
    return decode_hazard_state(bad);
  };
  EXPECT_FALSE(with(97, '\x80').ok());  // a flag bit no field has
  EXPECT_FALSE(with(98, 12).ok());      // category past the last of 12
  EXPECT_FALSE(with(99, 9).ok());       // phase
  EXPECT_FALSE(with(100, 2).ok());      // severity: general, major or absent
  EXPECT_FALSE(with(101, 7).ok());      // listed
  EXPECT_FALSE(with(102, 4).ok());      // escalation
  EXPECT_FALSE(with(103, 1).ok());      // reserved
  auto refused = with(98, 12);
  EXPECT_NE(refused.status().message().find("category"), std::string::npos) << refused.status().message();
  EXPECT_FALSE(decode_hazard_state(good.substr(0, good.size() - 1)).ok());
  EXPECT_FALSE(decode_hazard_state(good + "x").ok());
}

// The strings are written without a cereal archive; stores hold them as cereal wrote them
// before: a u64 length then the bytes, and for the optional a "nullopt" byte first.
TEST(HazardStateFormat, TheStringsAreCerealsBytes) {
  for (const bool submitted : {true, false}) {
    HazardState state = everything_set();
    if (!submitted) state.submitted_by.reset();
    const std::string stored = encode_hazard_state(state);
    std::string strings;
    StringOutputArchive archive(&strings);
    archive(state.institution_id, state.county, state.submitted_by);
    ASSERT_EQ(stored.size(), strings.size() + 104) << "the strings, then the 104-byte block";
    EXPECT_EQ(stored.substr(0, strings.size()), strings);
    auto decoded = decode_hazard_state(stored);
    ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
    expect_same(*decoded, state);
  }
}

}  // namespace
}  // namespace redline
