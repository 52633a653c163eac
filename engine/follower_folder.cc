#include "engine/follower_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace redline {
namespace fs = std::filesystem;

namespace {

// Opens and takes the folder's lock without waiting; -1 when it cannot be opened or another
// process holds it.
int hold(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

Result<FollowerFolder> FollowerFolder::create() {
  std::error_code ec;
  const fs::path parent = fs::temp_directory_path(ec);
  if (ec) return Status(ErrorCode::storage_error, "no temporary folder for a follower: " + ec.message());
  // A minute is far longer than the instant between a folder's creation and its lock.
  sweep(parent, std::chrono::seconds(60));
  std::string path = (parent / (std::string(kPrefix) + "XXXXXX")).string();
  if (::mkdtemp(path.data()) == nullptr) {
    return Status(ErrorCode::storage_error,
                  "cannot create a follower's folder in " + parent.string() + ": " + std::strerror(errno));
  }
  const int fd = hold(path);
  if (fd < 0) {
    const std::string reason = std::strerror(errno);
    fs::remove_all(path, ec);
    return Status(ErrorCode::storage_error, "cannot hold the follower's folder " + path + ": " + reason);
  }
  return FollowerFolder(std::move(path), fd);
}

int FollowerFolder::sweep(const fs::path& parent, std::chrono::seconds settled) {
  const auto now = fs::file_time_type::clock::now();
  int removed = 0;
  std::error_code step;  // a range-for's step would throw on a folder that cannot be read
  for (fs::directory_iterator it(parent, step), end; !step && it != end; it.increment(step)) {
    const fs::directory_entry& entry = *it;
    std::error_code ec;
    const std::string name = entry.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0 || !entry.is_directory(ec)) continue;
    const auto changed = entry.last_write_time(ec);
    if (ec || now - changed < settled) continue;
    const int fd = hold(entry.path().string());
    if (fd < 0) continue;  // a live follower's, or not ours to open
    fs::remove_all(entry.path(), ec);
    ::close(fd);
    if (!ec) ++removed;
  }
  return removed;
}

FollowerFolder::FollowerFolder(FollowerFolder&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_) {
  other.path_.clear();
  other.fd_ = -1;
}

FollowerFolder& FollowerFolder::operator=(FollowerFolder&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.path_.clear();
    other.fd_ = -1;
  }
  return *this;
}

FollowerFolder::~FollowerFolder() { release(); }

void FollowerFolder::release() {
  if (!path_.empty()) {
    std::error_code ec;
    fs::remove_all(path_, ec);
    path_.clear();
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace redline
