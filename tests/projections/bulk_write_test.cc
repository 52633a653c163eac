// Ingesting a batch as SST files (projections/internal/bulk_write.h) reads back exactly as
// writing it would: the batch's last write of a key wins, deletes delete, both column
// families land together, and what an SST cannot carry falls back to a plain write.
#include "projections/internal/bulk_write.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "tests/support/temp_dir.h"

namespace redline {
namespace {

class BulkWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors{
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {"state", rocksdb::ColumnFamilyOptions()},
        {"meta", rocksdb::ColumnFamilyOptions()}};
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.sub("db"), descriptors, &handles_, &raw).ok());
    db_.reset(raw);
  }
  void TearDown() override {
    for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  }

  std::string get(rocksdb::ColumnFamilyHandle* family, const std::string& key) {
    std::string value;
    auto s = db_->Get(rocksdb::ReadOptions(), family, key, &value);
    return s.IsNotFound() ? "<none>" : value;
  }
  Status ingest(rocksdb::WriteBatch& batch) {
    rocksdb::ColumnFamilyHandle* const families[] = {state(), meta()};
    return internal::write_batch(*db_, batch, families, scratch(), /*ingest_from_keys=*/1);
  }
  rocksdb::ColumnFamilyHandle* state() { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* meta() { return handles_[2]; }
  std::string scratch() { return dir_.sub("scratch"); }

  testing::TempDir dir_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

TEST_F(BulkWrite, ReadsBackAsAPlainWriteWould) {
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), state(), "gone", "old").ok());
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), state(), "kept", "old").ok());
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.Put(state(), "b", "first").ok());
  ASSERT_TRUE(batch.Put(state(), "a", "1").ok());
  ASSERT_TRUE(batch.Put(state(), "b", "second").ok());  // the last write of a key wins
  ASSERT_TRUE(batch.Delete(state(), "gone").ok());
  ASSERT_TRUE(batch.Put(state(), "c", "x").ok());
  ASSERT_TRUE(batch.Delete(state(), "c").ok());
  ASSERT_TRUE(batch.Put(meta(), "checkpoint", "42").ok());
  const Status ingested = ingest(batch);
  ASSERT_TRUE(ingested.ok()) << ingested.to_string();
  EXPECT_EQ(get(state(), "a"), "1");
  EXPECT_EQ(get(state(), "b"), "second");
  EXPECT_EQ(get(state(), "c"), "<none>");
  EXPECT_EQ(get(state(), "gone"), "<none>");
  EXPECT_EQ(get(state(), "kept"), "old");
  EXPECT_EQ(get(meta(), "checkpoint"), "42");
  EXPECT_TRUE(std::filesystem::is_empty(scratch())) << "scratch files are removed";
  // Later plain writes still win over what was ingested.
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), state(), "a", "2").ok());
  EXPECT_EQ(get(state(), "a"), "2");
}

TEST_F(BulkWrite, WhatAnSstCannotCarryIsWrittenPlainly) {
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), state(), "p/1", "x").ok());
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.DeleteRange(state(), "p/", "p0").ok());
  ASSERT_TRUE(batch.Put(state(), "q", "y").ok());
  ASSERT_TRUE(ingest(batch).ok());
  EXPECT_EQ(get(state(), "p/1"), "<none>");
  EXPECT_EQ(get(state(), "q"), "y");
  // A family the caller did not name.
  rocksdb::WriteBatch other;
  ASSERT_TRUE(other.Put(handles_[0], "d", "z").ok());
  ASSERT_TRUE(ingest(other).ok());
  EXPECT_EQ(get(handles_[0], "d"), "z");
}

// Each region of a projection's keys ("name\0segment/...") that holds enough entries goes
// into a file of its own, so a region nothing overlaps (the next snapshots' history) is
// placed below what was written before instead of on top of it. Single keys share a file
// with each other, never with a large region: a counter every write rewrites would
// otherwise make the new region's file overlap the previous write's.
TEST_F(BulkWrite, RegionsLandInFilesOfTheirOwn) {
  auto key = [](const std::string& region, int i) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%08d", i);
    return std::string("p\0", 2) + region + digits;
  };
  auto write_region = [&](rocksdb::WriteBatch& batch, const std::string& region, int count) {
    for (int i = 0; i < count; ++i) ASSERT_TRUE(batch.Put(state(), key(region, i), region).ok());
  };
  const std::string counter("p\0counter", 9), extra("p\0extra", 7);  // between "a/" and "h/"
  // The level of each file, by its smallest key (a rewritten region's files share theirs).
  auto files_by_smallest = [&] {
    std::vector<rocksdb::LiveFileMetaData> files;
    db_->GetLiveFilesMetaData(&files);
    std::multimap<std::string, int> levels;
    for (const auto& file : files) levels.emplace(file.smallestkey, file.level);
    return levels;
  };
  rocksdb::WriteBatch first;
  write_region(first, "a/", 20'000);
  ASSERT_TRUE(first.Put(state(), counter, "1").ok());
  ASSERT_TRUE(first.Put(state(), extra, "1").ok());
  write_region(first, "h/1/", 20'000);
  ASSERT_TRUE(ingest(first).ok());
  auto levels = files_by_smallest();
  ASSERT_EQ(levels.size(), 3u) << "a file per large region, the single keys in one of their own";
  EXPECT_TRUE(levels.contains(key("a/", 0)) && levels.contains(counter) && levels.contains(key("h/1/", 0)));

  // The next write: the "a/" states and the counters again, and a region no file holds yet.
  rocksdb::WriteBatch second;
  write_region(second, "a/", 20'000);
  ASSERT_TRUE(second.Put(state(), counter, "2").ok());
  ASSERT_TRUE(second.Put(state(), extra, "2").ok());
  write_region(second, "h/2/", 20'000);
  ASSERT_TRUE(ingest(second).ok());
  levels = files_by_smallest();
  ASSERT_EQ(levels.size(), 6u);
  EXPECT_EQ(levels.count(key("a/", 0)), 2u);
  EXPECT_EQ(levels.count(counter), 2u);
  ASSERT_TRUE(levels.contains(key("h/2/", 0)));
  EXPECT_EQ(levels.find(key("h/2/", 0))->second, levels.find(key("h/1/", 0))->second)
      << "the new region went to the bottom, beside the first";
  EXPECT_EQ(get(state(), key("h/1/", 19'999)), "h/1/");
  EXPECT_EQ(get(state(), key("h/2/", 0)), "h/2/");
  EXPECT_EQ(get(state(), counter), "2");
  EXPECT_EQ(get(state(), extra), "2");
}

}  // namespace
}  // namespace redline
