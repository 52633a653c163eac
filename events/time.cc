#include "events/time.h"

#include <chrono>
#include <cstring>
#include <ctime>

namespace redline {
namespace {

std::optional<std::tm> parse_fields(const std::string& text, const char* format,
                                    const char** rest) {
  std::tm fields{};
  const char* end = strptime(text.c_str(), format, &fields);
  if (end == nullptr) return std::nullopt;
  *rest = end;
  return fields;
}

// strptime accepts out-of-range days such as Feb 30 in some forms and fields without leading
// zeros; a round trip through timegm/gmtime_r rejects both.
std::optional<std::int64_t> to_epoch_seconds(std::tm fields) {
  const std::tm wanted = fields;
  if (wanted.tm_year < 70 || wanted.tm_year > 8099) return std::nullopt;
  const std::time_t seconds = timegm(&fields);
  std::tm back{};
  if (gmtime_r(&seconds, &back) == nullptr) return std::nullopt;
  if (back.tm_year != wanted.tm_year || back.tm_mon != wanted.tm_mon ||
      back.tm_mday != wanted.tm_mday || back.tm_hour != wanted.tm_hour ||
      back.tm_min != wanted.tm_min || back.tm_sec != wanted.tm_sec) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(seconds);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Timestamp> parse_instant(std::string_view text) {
  // Fixed shape first: strptime alone is too lenient (it skips spaces, takes 1-digit fields).
  if (text.size() < 20) return std::nullopt;
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' ? !is_digit(text[i]) : text[i] != kShape[i]) return std::nullopt;
  }
  std::int64_t millis = 0;
  std::size_t i = kShape.size();
  if (text[i] == '.') {
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
  const std::string head(text.substr(0, kShape.size()));
  const char* rest = nullptr;
  auto fields = parse_fields(head, "%Y-%m-%dT%H:%M:%S", &rest);
  if (!fields || *rest != '\0') return std::nullopt;
  auto seconds = to_epoch_seconds(*fields);
  if (!seconds) return std::nullopt;
  return Timestamp(*seconds * 1000 + millis);
}

std::optional<Timestamp> parse_day(std::string_view text) {
  static constexpr std::string_view kShape = "dddd-dd-dd";
  if (text.size() != kShape.size()) return std::nullopt;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' ? !is_digit(text[i]) : text[i] != kShape[i]) return std::nullopt;
  }
  // `rest` points into the parsed text, which must outlive the check of it below.
  const std::string day(text);
  const char* rest = nullptr;
  auto fields = parse_fields(day, "%Y-%m-%d", &rest);
  if (!fields || *rest != '\0') return std::nullopt;
  auto seconds = to_epoch_seconds(*fields);
  if (!seconds) return std::nullopt;
  return Timestamp(*seconds * 1000);
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
