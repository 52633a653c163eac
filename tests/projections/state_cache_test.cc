// The projections' state cache (projections/internal/state_cache.h): states come from the
// batch once and stay in memory; a flush writes the dirty ones in key order; over its limit
// it drops the older generation at a flush, except the slots its owner marked, whose
// addresses stay valid.
#include "projections/internal/state_cache.h"

#include <gtest/gtest.h>

#include <map>

namespace redline {
namespace {

struct Counter {
  std::int64_t value = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(value);
  }
};

// A batch over a map, counting reads and remembering the order of writes.
class MapBatch final : public ProjectionBatch {
 public:
  Result<std::optional<std::string>> get(std::string_view key) override {
    ++reads;
    auto found = data.find(std::string(key));
    if (found == data.end()) return std::optional<std::string>();
    return std::optional<std::string>(found->second);
  }
  void put(std::string_view key, std::string_view value) override {
    data[std::string(key)] = std::string(value);
    written.emplace_back(key);
  }
  void erase(std::string_view key) override { data.erase(std::string(key)); }
  Status scan(std::string_view, const std::function<bool(std::string_view, std::string_view)>&) override {
    return Status::Ok();
  }
  std::map<std::string, std::string> data;
  std::vector<std::string> written;
  int reads = 0;
};

std::int64_t stored(MapBatch& batch, const std::string& key) {
  return internal::decode_state<Counter>(batch.data.at(key), key).value().value;
}

TEST(StateCache, ReadsOnceWritesDirtyStatesInKeyOrder) {
  MapBatch batch;
  batch.put("c/2", internal::encode_state(Counter{40}));
  batch.written.clear();
  internal::StateCache<Counter> cache;
  for (const char* key : {"c/3", "c/2", "c/1", "c/2"}) {
    auto slot = cache.slot(batch, key, /*create=*/true);
    ASSERT_TRUE(slot.ok());
    ++(*slot)->state.value;
  }
  EXPECT_EQ(batch.reads, 3) << "each key read once";
  cache.flush(batch);
  EXPECT_EQ(batch.written, (std::vector<std::string>{"c/1", "c/2", "c/3"}));
  EXPECT_EQ(stored(batch, "c/2"), 42);
  auto absent = cache.slot(batch, "c/9", /*create=*/false);
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(*absent, nullptr);
  auto fresh = cache.slot(batch, "c/8", /*create=*/true, /*known_new=*/true);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(batch.reads, 4) << "a known-new key is not read";
}

TEST(StateCache, OverItsLimitItDropsTheOlderGenerationButKeepsMarkedSlots) {
  MapBatch batch;
  internal::StateCache<Counter> cache(/*limit=*/2);
  internal::StateCache<Counter>::Slot* marked = nullptr;
  for (const char* key : {"k/a", "k/b", "k/c"}) {
    auto slot = cache.slot(batch, key, /*create=*/true, /*known_new=*/true);
    ASSERT_TRUE(slot.ok());
    (*slot)->state.value = 7;
    if (std::string(key) == "k/b") marked = *slot;
  }
  marked->marked = true;
  cache.flush(batch);  // over the limit: a, b, c become the older generation
  cache.flush(batch);  // and are dropped, all but the marked b
  EXPECT_EQ(marked->key, "k/b");  // still a live slot
  marked->state.value = 8;
  const int reads = batch.reads;
  auto b = cache.slot(batch, "k/b", /*create=*/false);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, marked) << "the marked slot is the one the cache hands out";
  EXPECT_EQ((*b)->state.value, 8);
  auto a = cache.slot(batch, "k/a", /*create=*/false);
  ASSERT_TRUE(a.ok());
  ASSERT_NE(*a, nullptr);
  EXPECT_EQ((*a)->state.value, 7) << "a dropped state comes back from the batch";
  EXPECT_EQ(batch.reads, reads + 1);
}

}  // namespace
}  // namespace redline
