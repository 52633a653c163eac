// The relay's cursor: the last position of the store whose delivery Kafka confirmed. It is
// kept in a RocksDB of its own inside the store folder (`<store>/relay/`), not in the
// store's meta family, so that a relay can run beside the process writing the store (it
// reads the log as a follower and never needs the store's writer lock). Its folder lock
// is the relay lock: one relay per store at a time.
// Not thread-safe: the relay that opened it uses it from one thread.
#pragma once

#include <memory>
#include <string>

#include "events/status.h"
#include "events/strong_types.h"

namespace rocksdb {
class DB;
}

namespace redline {

class RelayCursor {
 public:
  // Takes the relay lock of the store at `store_path` (creating `<store>/relay/` when
  // missing). storage_error "a relay is already publishing ..." naming the holder's pid
  // when another relay runs.
  static Result<std::unique_ptr<RelayCursor>> open(const std::string& store_path);
  // The cursor without taking the lock (for `relay --status` beside a running relay):
  // Position{0} when no relay ever confirmed anything.
  static Result<Position> peek(const std::string& store_path);

  ~RelayCursor();
  RelayCursor(const RelayCursor&) = delete;
  RelayCursor& operator=(const RelayCursor&) = delete;

  Position position() const { return position_; }
  // Moves the cursor to `confirmed` (fsynced). Never moves it back.
  Status advance(Position confirmed);

 private:
  RelayCursor(std::unique_ptr<rocksdb::DB> db, int lock_fd, Position position);
  std::unique_ptr<rocksdb::DB> db_;
  int lock_fd_;
  Position position_;
};

}  // namespace redline
