#include "events/time.h"

#include <gtest/gtest.h>

namespace redline {
namespace {

TEST(Time, ParsesAndFormatsInstants) {
  auto t = parse_instant("2026-06-03T09:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->value(), 1780477200000);
  EXPECT_EQ(format_instant(*t), "2026-06-03T09:00:00Z");
  auto fraction = parse_instant("2026-06-03T09:00:00.5Z");
  ASSERT_TRUE(fraction);
  EXPECT_EQ(format_instant(*fraction), "2026-06-03T09:00:00.500Z");
  EXPECT_EQ(format_day(*t), "2026-06-03");
}

TEST(Time, RejectsMalformedInstants) {
  for (const char* bad : {"", "2026-06-03", "2026-06-03T09:00:00", "2026-06-03T09:00:00+08:00",
                          "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", " 2026-06-03T09:00:00Z",
                          "2026-06-03T24:00:00Z", "1969-12-31T23:59:59Z", "2026-06-03T09:00:00.Z",
                          "2026-06-03T09:00:00ZZ", "２026-06-03T09:00:00Z"}) {
    EXPECT_FALSE(parse_instant(bad)) << bad;
  }
}

TEST(Time, ParsesDays) {
  EXPECT_EQ(parse_day("2026-06-03"), parse_instant("2026-06-03T00:00:00Z"));
  EXPECT_FALSE(parse_day("2026-6-3"));
  EXPECT_FALSE(parse_day("2025-02-29"));
  EXPECT_TRUE(parse_day("2024-02-29"));
}

}  // namespace
}  // namespace redline
