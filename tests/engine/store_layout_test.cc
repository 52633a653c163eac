// The store's key and value words are big-endian bytes, whatever the machine: stores on
// disk depend on these exact bytes, and their order must be the numbers' order.
#include "engine/store_layout.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace redline {
namespace {

TEST(StoreLayout, AWordIsItsBytesBigEndianAndReadsBack) {
  std::string bytes = "x";
  layout::append_u64_be(&bytes, 0x0102030405060708ull);
  EXPECT_EQ(bytes, std::string("x\x01\x02\x03\x04\x05\x06\x07\x08", 9));
  EXPECT_EQ(layout::read_u64_be(std::string_view(bytes).substr(1)), 0x0102030405060708ull);
  EXPECT_EQ(layout::read_u64_be("1234567"), std::nullopt);  // not eight bytes
  for (std::uint64_t value : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{255}, std::uint64_t{256},
                              std::uint64_t{1} << 63, ~std::uint64_t{0}}) {
    std::string word;
    layout::append_u64_be(&word, value);
    std::string next;
    layout::append_u64_be(&next, value + 1);
    EXPECT_EQ(layout::read_u64_be(word), value);
    if (value != ~std::uint64_t{0}) {
      EXPECT_LT(word, next) << value;  // byte order is number order
    }
  }
  EXPECT_EQ(layout::log_key(Position(258)), std::string("\0\0\0\0\0\0\x01\x02", 8));
}

}  // namespace
}  // namespace redline
