// A plain text table for terminals: columns padded to the widest cell, where CJK
// characters count two columns wide. Not thread-safe.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace redline::cli {

// Terminal columns the UTF-8 text takes (East Asian wide characters count 2).
std::size_t display_width(const std::string& utf8);

class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace redline::cli
