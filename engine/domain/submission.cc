#include "engine/domain/submission.h"

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace redline {
namespace {

constexpr std::size_t kGroupLines = 1000;
// Parsed lines travel in chunks, so the two threads meet once per chunk, not per line.
constexpr std::size_t kChunkLines = 128;
// How far parsing may run ahead of handling, in chunks.
constexpr std::size_t kChunksAhead = 32;

// Parses lines on its own thread into a bounded queue. The handling side learns not only
// whether a parsed line is waiting but whether more is coming without waiting on the
// input, so a group closes as soon as the input pauses. A chunk is handed over when full
// or when the input pauses. Handled chunks come back to the parsing thread, which frees
// them there and parses the next lines into their JSON documents: freeing on the handling
// thread and allocating anew on this one cost the handling thread 3.5% of its time.
class ParseAhead {
 public:
  explicit ParseAhead(LineSource& source) : source_(source), thread_([this] { run(); }) {}
  ~ParseAhead() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  // The next parsed line, waiting for it; nullptr at the end of the input. Valid until the
  // next call.
  const ParsedLine* next() { return take(/*wait_while_paused=*/true); }

  // The next parsed line if the input has more without pausing; nullptr when the input is
  // waiting (or ended) and nothing is parsed. Valid until the next call.
  const ParsedLine* next_if_flowing() { return take(/*wait_while_paused=*/false); }

 private:
  using Chunk = std::vector<ParsedLine>;

  const ParsedLine* take(bool wait_while_paused) {
    if (taken_ == current_.size()) {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] {
        return !queue_.empty() || ended_ || (!wait_while_paused && input_paused_);
      });
      if (queue_.empty()) return nullptr;
      if (!current_.empty()) spent_.push_back(std::move(current_));
      current_ = std::move(queue_.front());
      queue_.pop_front();
      taken_ = 0;
      const bool was_full = queue_.size() + 1 == kChunksAhead;
      lock.unlock();
      if (was_full) changed_.notify_all();
    }
    return &current_[taken_++];
  }

  void run() {
    std::size_t line_number = 0;
    Chunk chunk;
    chunk.reserve(kChunkLines);
    for (;;) {
      const bool ready = source_.ready();
      if (!ready) {
        if (!chunk.empty() && !hand_over(chunk)) return;
        set_paused(true);
      }
      auto line = source_.next();
      if (!ready) set_paused(false);
      if (!line) break;
      chunk.push_back(CommandProcessor::parse_line(*line, ++line_number, spare_document()));
      if (chunk.size() == kChunkLines && !hand_over(chunk)) return;
    }
    if (!chunk.empty() && !hand_over(chunk)) return;
    std::lock_guard lock(mutex_);
    ended_ = true;
    changed_.notify_all();
  }

  // A document of a handled line, or nullptr when none is spare.
  std::unique_ptr<simdjson::dom::document> spare_document() {
    if (spare_documents_.empty()) return nullptr;
    auto document = std::move(spare_documents_.back());
    spare_documents_.pop_back();
    return document;
  }

  // Queues `chunk` and leaves it empty, with room for a chunk's lines; false when the
  // handling side has gone.
  bool hand_over(Chunk& chunk) {
    std::vector<Chunk> spent;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return queue_.size() < kChunksAhead || stopping_; });
      if (stopping_) return false;
      queue_.push_back(std::move(chunk));
      spent.swap(spent_);
    }
    changed_.notify_all();
    chunk = Chunk();
    chunk.reserve(kChunkLines);
    for (Chunk& handled : spent) {
      for (ParsedLine& line : handled) {
        if (line.command.ok() && line.command->document != nullptr) {
          spare_documents_.push_back(std::move(line.command->document));
        }
      }
    }
    return true;  // the rest of `spent` is freed here, on this thread
  }

  void set_paused(bool paused) {
    {
      std::lock_guard lock(mutex_);
      input_paused_ = paused;
    }
    changed_.notify_all();
  }

  LineSource& source_;
  Chunk current_;  // the handling side's chunk
  std::size_t taken_ = 0;
  std::vector<std::unique_ptr<simdjson::dom::document>> spare_documents_;  // parsing side's
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Chunk> queue_;
  std::vector<Chunk> spent_;  // handled chunks, for the parsing side to take apart
  bool input_paused_ = false;
  bool ended_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members above exist
};

// A group handed to the commit pipeline, with the results to hand over once it lands.
struct PendingGroup {
  std::future<Status> committed;
  std::vector<CommandOutcome> results;
};

class Submitter {
 public:
  Submitter(EventStore& store, const RulesConfig& rules, const ResultSink& sink,
            bool reactive_rules)
      : store_(store), processor_(store, rules, reactive_rules), sink_(sink) {}

  SubmissionTotals run(LineSource& source) {
    ParseAhead parsed(source);
    for (;;) {
      const ParsedLine* first = parsed.next();
      if (first == nullptr) break;
      PendingGroup group;
      {
        auto txn = store_.begin_transaction();
        group.results.push_back(processor_.handle(txn, *first));
        while (group.results.size() < kGroupLines) {
          const ParsedLine* line = parsed.next_if_flowing();
          if (line == nullptr) break;
          group.results.push_back(processor_.handle(txn, *line));
        }
        group.committed = txn.commit_async();
      }
      finish_previous();
      previous_ = std::move(group);
      if (processor_.cache_over_limit()) {
        finish_previous();  // nothing in flight: every cached state is on disk
        processor_.trim_cache();
      }
    }
    finish_previous();
    return totals_;
  }

 private:
  // Waits for the previous group's commit and hands over its results; a failed commit
  // turns its accepted lines into storage errors (nothing of them was written).
  void finish_previous() {
    if (!previous_) return;
    const Status committed = previous_->committed.get();
    if (!committed.ok()) {
      totals_.storage_failed = true;
      processor_.cache().clear();
    }
    for (auto& result : previous_->results) {
      if (!committed.ok() && result.ok) {
        result = CommandProcessor::error_result(result.line, result.command_id, committed);
      }
      ++(result.ok ? totals_.accepted : totals_.rejected);
    }
    sink_(previous_->results);
    previous_.reset();
  }

  EventStore& store_;
  CommandProcessor processor_;
  const ResultSink& sink_;
  std::optional<PendingGroup> previous_;
  SubmissionTotals totals_;
};

}  // namespace

SubmissionTotals run_submission(EventStore& store, const RulesConfig& rules, LineSource& source,
                                const ResultSink& sink, bool reactive_rules) {
  Submitter submitter(store, rules, sink, reactive_rules);
  return submitter.run(source);
}

}  // namespace redline
