#include "engine/store_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace redline {
namespace {

// What the lock file says of its holder: the pid it wrote, trimmed ("" when unreadable).
std::string lock_holder(int fd) {
  char holder[32] = {0};
  const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
  std::string pid = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "";
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}

}  // namespace

Result<int> acquire_store_lock(const std::string& store_path) {
  const std::string lock_path = store_path + "/redline.lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status(ErrorCode::storage_error,
                  "cannot open " + lock_path + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string pid = lock_holder(fd);
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return Status(ErrorCode::storage_error, "store " + store_path + " is in use by another process (pid " +
                                                  (pid.empty() ? std::string("?") : pid) + ")");
    }
    return Status(ErrorCode::storage_error,
                  "cannot lock " + lock_path + ": " + std::strerror(error));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The pid is only for the error message of a second process; the lock itself holds.
  }
  return fd;
}

bool store_lock_holder_alive(const std::string& store_path) {
  const std::string lock_path = store_path + "/redline.lock";
  const int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const std::string holder = lock_holder(fd);
  ::close(fd);
  char* end = nullptr;
  const long pid = std::strtol(holder.c_str(), &end, 10);
  if (end == holder.c_str() || pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

void release_store_lock(int fd) {
  if (fd < 0) return;
  ::flock(fd, LOCK_UN);
  ::close(fd);
}

}  // namespace redline
