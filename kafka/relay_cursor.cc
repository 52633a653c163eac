#include "kafka/relay_cursor.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <filesystem>

#include "engine/store_layout.h"
#include "engine/store_lock.h"

namespace redline {
namespace {

constexpr std::string_view kCursorKey = "cursor";

std::string cursor_folder(const std::string& store_path) { return store_path + "/relay"; }

Result<Position> read_cursor(rocksdb::DB& db, const std::string& folder) {
  std::string value;
  const auto s =
      db.Get(rocksdb::ReadOptions(), rocksdb::Slice(kCursorKey.data(), kCursorKey.size()), &value);
  if (s.IsNotFound()) return Position(0);
  if (!s.ok()) {
    return Status(ErrorCode::storage_error, "cannot read the relay cursor in " + folder + ": " + s.ToString());
  }
  auto position = layout::read_u64_be(value);
  if (!position) return Status(ErrorCode::corruption, "malformed relay cursor in " + folder);
  return Position(*position);
}

}  // namespace

RelayCursor::RelayCursor(std::unique_ptr<rocksdb::DB> db, int lock_fd, Position position)
    : db_(std::move(db)), lock_fd_(lock_fd), position_(position) {}

RelayCursor::~RelayCursor() {
  if (db_) db_->Close().PermitUncheckedError();
  db_.reset();
  release_store_lock(lock_fd_);
}

Result<std::unique_ptr<RelayCursor>> RelayCursor::open(const std::string& store_path) {
  const std::string folder = cursor_folder(store_path);
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return Status(ErrorCode::storage_error, "cannot create " + folder + ": " + ec.message());
  auto lock = acquire_store_lock(folder);
  if (!lock.ok()) {
    std::string message = lock.status().message();
    if (const auto pid = message.find("(pid"); pid != std::string::npos) {
      message = "a relay is already publishing store " + store_path + " " + message.substr(pid);
    }
    return Status(ErrorCode::storage_error, message);
  }
  rocksdb::Options options;
  options.create_if_missing = true;
  options.max_open_files = 16;
  options.keep_log_file_num = 2;
  rocksdb::DB* raw = nullptr;
  const auto s = rocksdb::DB::Open(options, folder, &raw);
  if (!s.ok()) {
    release_store_lock(*lock);
    return Status(ErrorCode::storage_error, "cannot open the relay cursor in " + folder + ": " + s.ToString());
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  auto position = read_cursor(*db, folder);
  if (!position.ok()) {
    db->Close().PermitUncheckedError();
    release_store_lock(*lock);
    return position.status();
  }
  return std::unique_ptr<RelayCursor>(new RelayCursor(std::move(db), *lock, *position));
}

Result<Position> RelayCursor::peek(const std::string& store_path) {
  const std::string folder = cursor_folder(store_path);
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(folder) / "CURRENT", ec)) return Position(0);
  rocksdb::Options options;
  rocksdb::DB* raw = nullptr;
  // Read-only opens take no lock and see what the running relay wrote to its WAL.
  const auto s = rocksdb::DB::OpenForReadOnly(options, folder, &raw);
  if (!s.ok()) {
    return Status(ErrorCode::storage_error, "cannot read the relay cursor in " + folder + ": " + s.ToString());
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  auto position = read_cursor(*db, folder);
  db->Close().PermitUncheckedError();
  return position;
}

Status RelayCursor::advance(Position confirmed) {
  if (confirmed <= position_) return Status::Ok();
  std::string value;
  layout::append_u64_be(&value, confirmed.value());
  rocksdb::WriteOptions sync;
  sync.sync = true;
  const auto s = db_->Put(sync, rocksdb::Slice(kCursorKey.data(), kCursorKey.size()), value);
  if (!s.ok()) return Status(ErrorCode::storage_error, "cannot write the relay cursor: " + s.ToString());
  position_ = confirmed;
  return Status::Ok();
}

}  // namespace redline
