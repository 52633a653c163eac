#include "tools/cli/line_reader.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace redline::cli {

bool LineReader::fill(bool block) {
  if (eof_) return false;
  if (!block) {
    pollfd descriptor{fd_, POLLIN, 0};
    if (::poll(&descriptor, 1, 0) <= 0) return false;
  }
  if (start_ > 0) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0 || errno != EINTR) {
      eof_ = true;
      return false;
    }
  }
}

bool LineReader::ready() {
  if (buffer_.find('\n', start_) != std::string::npos) return true;
  if (eof_) return start_ < buffer_.size();
  while (fill(/*block=*/false)) {
    if (buffer_.find('\n', start_) != std::string::npos) return true;
  }
  return eof_ && start_ < buffer_.size();
}

std::optional<std::string> LineReader::next() {
  for (;;) {
    const std::size_t newline = buffer_.find('\n', start_);
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(start_, newline - start_);
      start_ = newline + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (!fill(/*block=*/true)) {
      if (start_ < buffer_.size()) {
        std::string line = buffer_.substr(start_);
        start_ = buffer_.size();
        return line;
      }
      return std::nullopt;
    }
  }
}

}  // namespace redline::cli
