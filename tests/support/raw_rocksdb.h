// Direct RocksDB access to a closed Redline store, for tests that tamper with stored bytes
// the way an attacker or a disk fault would. For tests; not thread-safe.
#pragma once

#include <rocksdb/db.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/store_layout.h"

namespace redline::testing {

class RawRocksDb {
 public:
  explicit RawRocksDb(const std::string& path) {
    std::vector<std::string> names;
    rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& name : names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    status_ = rocksdb::DB::Open(rocksdb::Options(), path, descriptors, &handles_, &raw);
    db_.reset(raw);
    for (std::size_t i = 0; status_.ok() && i < names.size(); ++i) by_name_[names[i]] = handles_[i];
  }
  ~RawRocksDb() {
    for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  }
  bool ok() const { return status_.ok(); }
  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* family(std::string_view name) { return by_name_.at(std::string(name)); }

  std::string get_log(std::uint64_t position) {
    std::string value;
    db_->Get(rocksdb::ReadOptions(), family(layout::kLogFamily),
             layout::log_key(Position(position)), &value);
    return value;
  }
  void put_log(std::uint64_t position, const std::string& value) {
    db_->Put(rocksdb::WriteOptions(), family(layout::kLogFamily),
             layout::log_key(Position(position)), value);
  }
  void delete_log(std::uint64_t position) {
    db_->Delete(rocksdb::WriteOptions(), family(layout::kLogFamily),
                layout::log_key(Position(position)));
  }

 private:
  rocksdb::Status status_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name_;
};

}  // namespace redline::testing
