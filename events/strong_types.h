// Strong types for the numbers a mix-up would corrupt: a log Position, a StreamVersion, a
// Timestamp. Each wraps one integer, compares, serializes with cereal as that integer and
// renders in JSON as the spec says. Plain values; thread-compatible.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace redline {

template <class Tag, class Rep>
class StrongInt {
 public:
  using rep = Rep;
  constexpr StrongInt() = default;
  constexpr explicit StrongInt(Rep value) : value_(value) {}
  constexpr Rep value() const { return value_; }
  constexpr auto operator<=>(const StrongInt&) const = default;
  constexpr StrongInt next() const { return StrongInt(value_ + 1); }

  template <class Archive>
  void serialize(Archive& archive) { archive(value_); }

 private:
  Rep value_{};
};

// Global position in the log: gap-free from 1. Position{0} means "before the first event".
using Position = StrongInt<struct PositionTag, std::uint64_t>;
// An event's number within its stream, from 1. StreamVersion{0} means "the stream is empty".
using StreamVersion = StrongInt<struct StreamVersionTag, std::uint64_t>;
// An instant, milliseconds since 1970-01-01T00:00:00Z (UTC). Rendered as ISO-8601 'Z'.
using Timestamp = StrongInt<struct TimestampTag, std::int64_t>;

}  // namespace redline

template <class Tag, class Rep>
struct std::hash<redline::StrongInt<Tag, Rep>> {
  std::size_t operator()(const redline::StrongInt<Tag, Rep>& v) const noexcept {
    return std::hash<Rep>{}(v.value());
  }
};
