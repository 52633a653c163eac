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
  EXPECT_EQ(parse_instant("1970-01-01T00:00:00Z")->value(), 0);
  EXPECT_EQ(parse_instant("2024-02-29T23:59:59.999Z")->value(), 1709251199999);
  EXPECT_EQ(parse_instant("9999-12-31T23:59:59Z")->value(), 253402300799000);
  EXPECT_EQ(parse_instant("2026-06-03T09:00:00.123456789Z")->value(), 1780477200123);
}

TEST(Time, RejectsMalformedInstants) {
  for (const char* bad : {"", "2026-06-03", "2026-06-03T09:00:00", "2026-06-03T09:00:00+08:00",
                          "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", " 2026-06-03T09:00:00Z",
                          "2026-06-03T24:00:00Z", "1969-12-31T23:59:59Z", "2026-06-03T09:00:00.Z",
                          "2026-06-03T09:00:00ZZ", "２026-06-03T09:00:00Z", "2026-06-03T09:60:00Z",
                          "2026-06-03T09:00:60Z", "2026-04-31T00:00:00Z", "2026-00-10T00:00:00Z",
                          "2026-06-00T00:00:00Z", "2026-06-03T09:00:00.1234567890Z",
                          "2026-06-03 09:00:00Z", "2026-06-03T09:00:00z"}) {
    EXPECT_FALSE(parse_instant(bad)) << bad;
  }
}

TEST(Time, ParsesDays) {
  EXPECT_EQ(parse_day("2026-06-03"), parse_instant("2026-06-03T00:00:00Z"));
  EXPECT_FALSE(parse_day("2026-6-3"));
  EXPECT_FALSE(parse_day("2025-02-29"));
  EXPECT_TRUE(parse_day("2024-02-29"));
  EXPECT_FALSE(parse_day("2100-02-29"));
  EXPECT_FALSE(parse_day("1969-12-31"));
  EXPECT_TRUE(parse_day("2000-02-29"));
  EXPECT_FALSE(parse_day("2026-06-03T"));
}

}  // namespace
}  // namespace redline
