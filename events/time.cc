#include "events/time.h"

#include <chrono>
#include <cstring>
#include <ctime>

namespace redline {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The number in text[at, at + width), all of it digits (the callers checked the shape).
int digits_at(std::string_view text, std::size_t at, std::size_t width) {
  int value = 0;
  for (std::size_t i = at; i < at + width; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

// The days since 1970-01-01 of "YYYY-MM-DD" at the start of text (its shape checked);
// nullopt for a day the calendar does not have (Feb 30) or a year before 1970. std::chrono's
// civil calendar, not strptime and timegm: those were a fifth of parsing a command.
std::optional<std::int64_t> epoch_day(std::string_view text) {
  using namespace std::chrono;
  const year_month_day date{year{digits_at(text, 0, 4)},
                            month{static_cast<unsigned>(digits_at(text, 5, 2))},
                            day{static_cast<unsigned>(digits_at(text, 8, 2))}};
  if (!date.ok() || date.year() < year{1970}) return std::nullopt;
  return sys_days(date).time_since_epoch().count();
}

bool has_shape(std::string_view text, std::string_view shape) {
  if (text.size() < shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 'd' ? !is_digit(text[i]) : text[i] != shape[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<Timestamp> parse_instant(std::string_view text) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (!has_shape(text, kShape)) return std::nullopt;
  std::int64_t millis = 0;
  std::size_t i = kShape.size();
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::size_t digits = 0;
    while (i < text.size() && is_digit(text[i])) {
      if (digits < 3) millis = millis * 10 + (text[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
    for (std::size_t d = digits; d < 3; ++d) millis *= 10;
  }
  if (i + 1 != text.size() || text[i] != 'Z') return std::nullopt;
  const auto day = epoch_day(text);
  const int hours = digits_at(text, 11, 2);
  const int minutes = digits_at(text, 14, 2);
  const int seconds = digits_at(text, 17, 2);
  if (!day || hours > 23 || minutes > 59 || seconds > 59) return std::nullopt;
  return Timestamp(*day * kMillisPerDay + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis);
}

std::optional<Timestamp> parse_day(std::string_view text) {
  static constexpr std::string_view kShape = "dddd-dd-dd";
  if (text.size() != kShape.size() || !has_shape(text, kShape)) return std::nullopt;
  const auto day = epoch_day(text);
  if (!day) return std::nullopt;
  return Timestamp(*day * kMillisPerDay);
}

namespace {
std::tm utc_fields(Timestamp t, std::int64_t* millis) {
  std::int64_t ms = t.value();
  std::int64_t seconds = ms / 1000;
  std::int64_t rem = ms % 1000;
  if (rem < 0) {
    rem += 1000;
    seconds -= 1;
  }
  *millis = rem;
  const std::time_t as_time = static_cast<std::time_t>(seconds);
  std::tm fields{};
  gmtime_r(&as_time, &fields);
  return fields;
}
}  // namespace

std::string format_instant(Timestamp t) {
  std::int64_t millis = 0;
  const std::tm fields = utc_fields(t, &millis);
  char buffer[40];
  std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &fields);
  std::string out(buffer, n);
  if (millis != 0) {
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03lld", static_cast<long long>(millis));
    out += fraction;
  }
  out += 'Z';
  return out;
}

std::string format_day(Timestamp t) {
  std::int64_t millis = 0;
  const std::tm fields = utc_fields(t, &millis);
  char buffer[16];
  std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &fields);
  return std::string(buffer, n);
}

Timestamp now_utc() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp(std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
}

}  // namespace redline
