#include "engine/commit_pipeline.h"

#include <pthread.h>

namespace redline::internal {

CommitPipeline::CommitPipeline(rocksdb::DB* db, bool sync,
                               std::function<std::uint64_t()> current_epoch,
                               std::function<void()> on_failure)
    : db_(db),
      sync_(sync),
      current_epoch_(std::move(current_epoch)),
      on_failure_(std::move(on_failure)),
      thread_([this] { run(); }) {}

CommitPipeline::~CommitPipeline() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

std::future<Status> CommitPipeline::submit(std::unique_ptr<Job> job) {
  auto done = job->done.get_future();
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return done;
}

void CommitPipeline::run() {
  pthread_setname_np(pthread_self(), "redline-commit");
  rocksdb::WriteOptions write_options;
  write_options.sync = sync_;
  for (;;) {
    std::unique_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping and drained
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    // A batch built on top of one that failed would break the chain: refuse it whole.
    if (job->epoch != current_epoch_()) {
      job->done.set_value(Status(ErrorCode::storage_error,
                                 "an earlier commit failed; nothing of this one was written"));
      continue;
    }
    const rocksdb::Status s = db_->Write(write_options, &job->batch);
    if (!s.ok()) {
      on_failure_();
      job->done.set_value(
          Status(ErrorCode::storage_error, "commit failed, nothing was written: " + s.ToString()));
      continue;
    }
    job->on_written();
    job->done.set_value(Status::Ok());
  }
}

}  // namespace redline::internal
