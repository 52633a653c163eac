// CommitPipeline (engine-internal): the background thread that writes committed
// transactions to RocksDB in order, so the next transaction can be prepared while the
// previous one is written and fsynced. It owns the thread and the queue; EventStore owns
// it and supplies what to do when a write lands or fails. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "events/status.h"

namespace redline::internal {

class CommitPipeline {
 public:
  struct Job {
    rocksdb::WriteBatch batch;
    std::uint64_t epoch = 0;  // the store's failure epoch the batch was built in
    std::promise<Status> done;
    std::function<void()> on_written;  // runs on the pipeline thread after a good write
  };

  // `current_epoch` says which epoch is live; `on_failure` runs (on the pipeline thread)
  // after a failed write, before any later job, and must move the store to a new epoch.
  CommitPipeline(rocksdb::DB* db, bool sync, std::function<std::uint64_t()> current_epoch,
                 std::function<void()> on_failure);
  ~CommitPipeline();  // writes everything queued, then stops
  CommitPipeline(const CommitPipeline&) = delete;
  CommitPipeline& operator=(const CommitPipeline&) = delete;

  std::future<Status> submit(std::unique_ptr<Job> job);

 private:
  void run();

  rocksdb::DB* db_;
  bool sync_;
  std::function<std::uint64_t()> current_epoch_;
  std::function<void()> on_failure_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Job>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace redline::internal
