// Replay: every event of the log in position order, decoded, handed to a visitor. A reader
// thread reads RocksDB while the caller's thread visits the previous chunk of events, and
// the decoding goes to whichever side is ahead (the reader decodes while the visitor has
// chunks waiting), so a full replay costs about the larger of the two rather than their
// sum. The visitor runs on the calling thread, in order. Reads only; safe beside a writer.
#pragma once

#include <cstddef>
#include <functional>

#include "engine/event_store.h"
#include "events/codec.h"

namespace redline {

// The envelope is valid only during the call; return false to stop early.
using EnvelopeVisitor = std::function<bool(const Envelope& envelope)>;
// Shown an event kReplayLookahead events before the visitor gets it (fewer at the start of
// a chunk of the reader's), on the visiting thread: time for the memory it will need to
// arrive. Every event is shown at most once, in order; one may be shown and never visited
// (the visitor stopped first).
using EnvelopeHint = std::function<void(const Envelope& upcoming)>;
inline constexpr std::size_t kReplayLookahead = 16;

// Replays from `from` (inclusive) to the head as of the call. `corruption` names the first
// event that does not decode; `storage_error` when RocksDB fails. With `data_wanted`, the
// events it refuses are visited with their data left a default value of their type (their
// data's bytes are neither decoded nor checked); it may be called on the reader thread.
// With `hint`, each event is shown to it ahead of its visit (EnvelopeHint).
Status replay(const EventStore& store, Position from, const EnvelopeVisitor& visitor,
              const DataWanted& data_wanted = {}, const EnvelopeHint& hint = {});

}  // namespace redline
