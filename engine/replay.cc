#include "engine/replay.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/codec.h"

namespace redline {
namespace {

constexpr std::size_t kChunkEvents = 2048;
constexpr std::size_t kChunksInFlight = 4;

// Raw envelopes copied out of RocksDB: one arena, one offset per event.
struct Chunk {
  std::string bytes;
  std::vector<std::size_t> ends;
  std::string_view event(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(bytes).substr(begin, ends[i] - begin);
  }
};

// A bounded hand-off of chunks from the reader thread to the decoding thread.
class ChunkQueue {
 public:
  // Blocks while full. False when the consumer has stopped.
  bool push(Chunk chunk) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return chunks_.size() < kChunksInFlight || stopped_; });
    if (stopped_) return false;
    chunks_.push_back(std::move(chunk));
    ready_.notify_one();
    return true;
  }
  // Blocks while empty. False at the end of the stream.
  bool pop(Chunk* chunk) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !chunks_.empty() || finished_; });
    if (chunks_.empty()) return false;
    *chunk = std::move(chunks_.front());
    chunks_.pop_front();
    space_.notify_one();
    return true;
  }
  void finish(Status status) {
    std::lock_guard lock(mutex_);
    finished_ = true;
    reader_status_ = std::move(status);
    ready_.notify_all();
  }
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    space_.notify_all();
  }
  Status reader_status() {
    std::lock_guard lock(mutex_);
    return reader_status_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::deque<Chunk> chunks_;
  bool finished_ = false;
  bool stopped_ = false;
  Status reader_status_;
};

}  // namespace

Status replay(const EventStore& store, Position from, const EnvelopeVisitor& visitor) {
  const Position last = store.head().position;
  if (last < from) return Status::Ok();
  ChunkQueue queue;
  std::thread reader([&store, &queue, from, last] {
    Chunk chunk;
    bool consumer_stopped = false;
    Status scanned = store.scan(from, [&](Position position, std::string_view bytes) {
      chunk.bytes.append(bytes);
      chunk.ends.push_back(chunk.bytes.size());
      if (chunk.ends.size() == kChunkEvents) {
        if (!queue.push(std::move(chunk))) {
          consumer_stopped = true;
          return false;
        }
        chunk = Chunk{};
      }
      return position < last;
    });
    if (!consumer_stopped && !chunk.ends.empty()) queue.push(std::move(chunk));
    queue.finish(std::move(scanned));
  });

  Status outcome;
  Envelope envelope;
  Chunk chunk;
  bool keep_going = true;
  while (keep_going && queue.pop(&chunk)) {
    for (std::size_t i = 0; i < chunk.ends.size(); ++i) {
      outcome = decode_envelope_into(chunk.event(i), &envelope);
      if (!outcome.ok() || !visitor(envelope)) {
        keep_going = false;
        break;
      }
    }
  }
  queue.stop();
  reader.join();
  if (!outcome.ok()) return outcome;
  return queue.reader_status();
}

}  // namespace redline
