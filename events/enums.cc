#include "events/enums.h"

namespace redline::internal {

std::vector<std::string_view> split_enum_spellings(std::string_view list) {
  std::vector<std::string_view> out;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) {
      s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' ||
                          s.back() == '_')) {
      s.remove_suffix(1);
    }
    return s;
  };
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    out.push_back(trim(list.substr(start, comma - start)));
    start = comma + 1;
  }
  return out;
}

}  // namespace redline::internal
