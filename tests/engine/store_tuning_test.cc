// What the store and the programs are tuned with, checked where it takes effect: a setting
// that silently stopped applying would only show as a slower benchmark.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <link.h>

#include <rocksdb/db.h>
#include <rocksdb/table.h>

#include <cstdlib>
#include <string>

#include "engine/event_store.h"
#include "engine/store_layout.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

// A name hashed once finds in a map exactly what the name itself finds.
TEST(StoreTuning, AHashedNameFindsWhatItsNameFinds) {
  internal::StreamVersionMap versions;
  for (int i = 0; i < 1000; ++i) versions.emplace("hazard-H-" + std::to_string(i), StreamVersion(i + 1));
  for (int i = 0; i < 1200; ++i) {
    const std::string name = "hazard-H-" + std::to_string(i);
    const internal::HashedName key(name);
    EXPECT_EQ(key.hash, internal::StringHash()(std::string_view(name)));
    auto by_name = versions.find(std::string_view(name));
    auto by_key = versions.find(key);
    ASSERT_EQ(by_key == versions.end(), by_name == versions.end()) << name;
    if (by_key != versions.end()) {
      EXPECT_EQ(by_key->second, StreamVersion(i + 1));
    }
  }
}

// The log is stored in 16 KiB blocks (replays read it front to back); other families keep
// RocksDB's 4 KiB.
TEST(StoreTuning, TheLogIsStoredInLargerBlocks) {
  testing::TempDir dir;
  auto store = EventStore::open(StoreOptions{dir.path(), false, true});
  ASSERT_TRUE(store.ok()) << store.status().to_string();
  auto block_size = [&](std::string_view family) {
    const rocksdb::Options options = (*store)->db()->GetOptions((*store)->family(family));
    const auto* table = options.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
    return table == nullptr ? std::size_t{0} : table->block_size;
  };
  EXPECT_EQ(block_size(layout::kLogFamily), 16u << 10);
  EXPECT_EQ(block_size(layout::kProjectionsFamily), 4u << 10);
}

// jemalloc backs its memory with transparent huge pages (tools/jemalloc_settings.cc),
// unless MALLOC_CONF says otherwise. The sanitizer build has no jemalloc.
TEST(StoreTuning, JemallocUsesHugePages) {
  using Mallctl = int (*)(const char*, void*, std::size_t*, void*, std::size_t);
  auto mallctl = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
  if (mallctl == nullptr) GTEST_SKIP() << "not linked with jemalloc";
  if (std::getenv("MALLOC_CONF") != nullptr) GTEST_SKIP() << "MALLOC_CONF overrides the built-in settings";
  const char* thp = nullptr;
  std::size_t size = sizeof thp;
  ASSERT_EQ(mallctl("opt.thp", &thp, &size, nullptr, 0), 0);
  EXPECT_STREQ(thp, "always");
  const char* metadata_thp = nullptr;
  ASSERT_EQ(mallctl("opt.metadata_thp", &metadata_thp, &size, nullptr, 0), 0);
  EXPECT_STREQ(metadata_thp, "always");
}

// RocksDB is linked into the program, not loaded as a shared library: from one, each of its
// thread-local counters costs a call to __tls_get_addr (CMakeLists.txt).
TEST(StoreTuning, RocksDbIsLinkedIntoTheProgram) {
  std::string shared;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* found) {
        const std::string name = info->dlpi_name == nullptr ? "" : info->dlpi_name;
        if (name.find("librocksdb") != std::string::npos) *static_cast<std::string*>(found) = name;
        return 0;
      },
      &shared);
  EXPECT_EQ(shared, "") << "RocksDB loaded from " << shared;
}

}  // namespace
}  // namespace redline
