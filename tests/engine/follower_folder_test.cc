// A follower's own folder under the temporary folder: held while the follower is open,
// removed when it closes, and removed by the next follower when a killed one left it.
#include "engine/follower_folder.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "engine/event_store.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {
namespace fs = std::filesystem;

// Points the temporary folder (TMPDIR) at `path` for the test's lifetime.
class TemporaryFolderAt {
 public:
  explicit TemporaryFolderAt(const std::string& path) {
    if (const char* old = std::getenv("TMPDIR")) old_ = old;
    ::setenv("TMPDIR", path.c_str(), 1);
  }
  ~TemporaryFolderAt() {
    if (old_.empty()) {
      ::unsetenv("TMPDIR");
    } else {
      ::setenv("TMPDIR", old_.c_str(), 1);
    }
  }

 private:
  std::string old_;
};

std::set<std::string> follower_folders(const std::string& parent) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(parent)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(FollowerFolder::kPrefix, 0) == 0) names.insert(entry.path().string());
  }
  return names;
}

void age(const std::string& path, std::chrono::seconds by) {
  fs::last_write_time(path, fs::file_time_type::clock::now() - by);
}

TEST(FollowerFolder, AKilledFollowersFolderIsRemovedByTheNextAndALiveOneIsKept) {
  testing::TempDir parent;
  TemporaryFolderAt tmp(parent.path());

  // A follower killed while open: its folder stays behind.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto folder = FollowerFolder::create();
    ::raise(folder.ok() ? SIGKILL : SIGABRT);
  }
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL);
  const auto abandoned = follower_folders(parent.path());
  ASSERT_EQ(abandoned.size(), 1u);

  // Just created, it could be a folder not yet held: the next follower leaves it.
  auto live = FollowerFolder::create();
  ASSERT_TRUE(live.ok()) << live.status().to_string();
  EXPECT_EQ(follower_folders(parent.path()).size(), 2u);

  const std::string unrelated = parent.sub("redline-test-unrelated");
  fs::create_directory(unrelated);
  for (const auto& path : follower_folders(parent.path())) age(path, std::chrono::minutes(5));
  age(unrelated, std::chrono::minutes(5));

  auto next = FollowerFolder::create();
  ASSERT_TRUE(next.ok()) << next.status().to_string();
  const auto now = follower_folders(parent.path());
  EXPECT_EQ(now, (std::set<std::string>{live->path(), next->path()}));
  EXPECT_TRUE(fs::exists(unrelated));
  EXPECT_EQ(FollowerFolder::sweep(parent.path(), std::chrono::seconds(0)), 0);  // both held

  { auto gone = std::move(*live); }
  EXPECT_EQ(follower_folders(parent.path()), (std::set<std::string>{next->path()}));
}

TEST(FollowerFolder, AFollowerStoreLeavesNoFolderWhenItCloses) {
  testing::TempDir store_dir;
  testing::TempDir parent;
  TemporaryFolderAt tmp(parent.path());
  { ASSERT_TRUE(EventStore::open(StoreOptions{store_dir.path(), false, true}).ok()); }
  StoreOptions options{store_dir.path(), false, false};
  options.follower = true;
  {
    auto follower = EventStore::open(options);
    ASSERT_TRUE(follower.ok()) << follower.status().to_string();
    EXPECT_EQ(follower_folders(parent.path()).size(), 1u);
  }
  EXPECT_TRUE(follower_folders(parent.path()).empty());
}

}  // namespace
}  // namespace redline
