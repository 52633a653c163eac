#include "engine/replay.h"

#include <algorithm>
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

// Events read by the reader thread: decoded there while the visiting thread has chunks
// waiting (its visitor is the slower side), else handed over as raw envelopes for the
// visiting thread to decode (the reading is). Chunks go back to the reader once visited,
// so their buffers, envelopes' strings and vectors are reused.
struct Chunk {
  bool decoded = false;
  std::vector<Envelope> events;  // decoded: the first `count` are this chunk's
  std::string bytes;             // raw: the envelopes, one after another...
  std::vector<std::size_t> ends;  // ...each ending here
  std::size_t count = 0;
  Status failure;  // decoded: the event after the last one did not decode

  std::string_view raw(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(bytes).substr(begin, ends[i] - begin);
  }
};

// A bounded hand-off of chunks from the reader thread to the visiting thread, and of
// visited chunks back.
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
  void give_back(Chunk chunk) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(chunk));
  }
  // A visited chunk to fill again, or a new one: decoded when the visiting thread is behind.
  Chunk take_free() {
    std::lock_guard lock(mutex_);
    Chunk chunk;
    if (!free_.empty()) {
      chunk = std::move(free_.back());
      free_.pop_back();
    }
    chunk.decoded = chunks_.size() >= kChunksInFlight / 2;
    chunk.bytes.clear();
    chunk.ends.clear();
    chunk.count = 0;
    chunk.failure = Status::Ok();
    return chunk;
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
  std::vector<Chunk> free_;
  bool finished_ = false;
  bool stopped_ = false;
  Status reader_status_;
};

}  // namespace

Status replay(const EventStore& store, Position from, const EnvelopeVisitor& visitor,
              const DataWanted& data_wanted, const EnvelopeHint& hint) {
  const Position last = store.head().position;
  if (last < from) return Status::Ok();
  const DataWanted* wanted = data_wanted ? &data_wanted : nullptr;
  ChunkQueue queue;
  std::thread reader([&store, &queue, from, last, wanted] {
    Chunk chunk = queue.take_free();
    bool consumer_stopped = false;
    Status scanned = store.scan(from, [&](Position position, std::string_view bytes) {
      if (!chunk.decoded) {
        chunk.bytes.append(bytes);
        chunk.ends.push_back(chunk.bytes.size());
      } else {
        if (chunk.events.size() == chunk.count) chunk.events.emplace_back();
        Status decoded = decode_envelope_into(bytes, &chunk.events[chunk.count], wanted);
        if (!decoded.ok()) {
          chunk.failure = std::move(decoded);  // handed over with the events before it
          return false;
        }
      }
      if (++chunk.count == kChunkEvents) {
        if (!queue.push(std::move(chunk))) {
          consumer_stopped = true;
          return false;
        }
        chunk = queue.take_free();
      }
      return position < last;
    });
    if (!consumer_stopped && (chunk.count > 0 || !chunk.failure.ok())) queue.push(std::move(chunk));
    queue.finish(std::move(scanned));
  });

  Status outcome;
  // Raw chunks are decoded kReplayLookahead events ahead of the visit when there is a hint
  // to show them to, into a ring of envelopes reused from chunk to chunk.
  const std::size_t ahead = hint ? kReplayLookahead : 0;
  std::vector<Envelope> ring(ahead + 1);
  Chunk chunk;
  bool keep_going = true;
  while (keep_going && queue.pop(&chunk)) {
    // The event `i` of the chunk, decoded (a raw chunk's into the ring); nullptr with
    // `outcome` set when it does not decode.
    std::size_t decoded_to = 0;  // raw chunks: events before this one are in the ring
    auto decoded = [&](std::size_t i) -> const Envelope* {
      if (chunk.decoded) return &chunk.events[i];
      Envelope& slot = ring[i % ring.size()];
      if (i == decoded_to) {
        if (outcome = decode_envelope_into(chunk.raw(i), &slot, wanted); !outcome.ok()) return nullptr;
        ++decoded_to;
      }
      return &slot;
    };
    // Shows the events [shown, up_to) of the chunk to the hint; stops at one that does not
    // decode (its visit reports it).
    std::size_t shown = 0;
    auto show_until = [&](std::size_t up_to) {
      for (; shown < std::min(up_to, chunk.count); ++shown) {
        const Envelope* event = decoded(shown);
        if (event == nullptr) {
          shown = chunk.count;  // no more hints in this chunk
          break;
        }
        hint(*event);
      }
    };
    for (std::size_t i = 0; i < chunk.count && keep_going; ++i) {
      if (ahead > 0) show_until(i + ahead + 1);
      const Envelope* event = decoded(i);  // one that failed ahead fails again here
      keep_going = event != nullptr && visitor(*event);
    }
    if (keep_going && !chunk.failure.ok()) {
      outcome = chunk.failure;
      keep_going = false;
    }
    queue.give_back(std::move(chunk));
  }
  queue.stop();
  reader.join();
  if (!outcome.ok()) return outcome;
  return queue.reader_status();
}

}  // namespace redline
