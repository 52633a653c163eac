// Submission: the whole `submit` loop over a source of JSON Lines — lines parsed ahead on a
// second thread, handled in groups that share one commit (one fsync), the next group
// prepared while the previous one is written, each group's results handed over only once
// it is on disk, the write-side cache trimmed between groups. `redline submit` and the
// benchmark both run exactly this. One Submission per store at a time (it holds the
// store's writer lock while a group is prepared); not thread-safe itself.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/domain/command_processor.h"
#include "engine/event_store.h"

namespace redline {

// Where the lines come from. Called from the parsing thread only.
class LineSource {
 public:
  virtual ~LineSource() = default;
  // The next line without its newline; nullopt at the end.
  virtual std::optional<std::string> next() = 0;
  // True when next() would return without waiting.
  virtual bool ready() = 0;
};

// Lines held in memory (a span the caller keeps alive), always ready.
class MemoryLineSource final : public LineSource {
 public:
  explicit MemoryLineSource(std::span<const std::string> lines) : lines_(lines) {}
  std::optional<std::string> next() override {
    if (next_ == lines_.size()) return std::nullopt;
    return lines_[next_++];
  }
  bool ready() override { return true; }

 private:
  std::span<const std::string> lines_;
  std::size_t next_ = 0;
};

struct SubmissionTotals {
  std::size_t accepted = 0;
  std::size_t rejected = 0;  // including lines turned into storage errors
  bool storage_failed = false;
};

// Receives each group's result lines, in input order, once the group is durable (or its
// commit failed, in which case its accepted lines have become storage errors).
using ResultSink = std::function<void(const std::vector<CommandOutcome>&)>;

// `reactive_rules` as in CommandProcessor (off only to measure what the rules cost).
SubmissionTotals run_submission(EventStore& store, const RulesConfig& rules, LineSource& source,
                                const ResultSink& sink, bool reactive_rules = true);

}  // namespace redline
