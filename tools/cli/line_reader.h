// LineReader: JSON Lines input from a file descriptor, read in large chunks, that can also
// say whether more input is ready right now, so `submit` commits a group as soon as its
// input pauses instead of waiting for a full group. Not thread-safe.
#pragma once

#include <optional>
#include <string>

namespace redline::cli {

class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}

  // The next line without its newline (a final unterminated line counts); nullopt at end.
  std::optional<std::string> next();
  // True when a line can be returned without blocking.
  bool ready();

 private:
  bool fill(bool block);

  int fd_;
  std::string buffer_;
  std::size_t start_ = 0;
  bool eof_ = false;
};

}  // namespace redline::cli
