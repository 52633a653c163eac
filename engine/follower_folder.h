// The folder a follower (a RocksDB secondary instance) keeps its own info log and manifest
// copy in, under the system's temporary folder. It owns the folder: the folder is held
// (an advisory flock on it) while the follower is open and removed when it closes. A
// follower killed before it could remove its folder leaves it behind; the next follower
// to open removes every such folder nobody holds. Not thread-safe; distinct instances are
// independent.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "events/status.h"

namespace redline {

class FollowerFolder {
 public:
  // Creates and holds a new folder, after removing abandoned ones (see sweep).
  static Result<FollowerFolder> create();

  FollowerFolder(FollowerFolder&& other) noexcept;
  FollowerFolder& operator=(FollowerFolder&& other) noexcept;
  FollowerFolder(const FollowerFolder&) = delete;
  FollowerFolder& operator=(const FollowerFolder&) = delete;
  ~FollowerFolder();  // removes the folder and lets go of it

  const std::string& path() const { return path_; }

  // Removes the follower folders in `parent` that nobody holds and that have not changed
  // for `settled` (a folder just created is not held yet for an instant). Returns how many
  // it removed.
  static int sweep(const std::filesystem::path& parent, std::chrono::seconds settled);

  static constexpr std::string_view kPrefix = "redline-follower-";

 private:
  FollowerFolder(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  void release();

  std::string path_;
  int fd_ = -1;  // the folder itself, opened and flocked while held
};

}  // namespace redline
