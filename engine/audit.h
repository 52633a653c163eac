// The audit of a store's integrity: walks the whole log once and checks the hash chain
// (SPEC §2), gap-free positions, each envelope's own hash, its decodability, the stream
// index and the head record. Reads only; safe beside a writer in the same process.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/event_store.h"

namespace redline {

struct ChainVerification {
  std::uint64_t events_checked = 0;
  ChainHead head;
  // The first position that fails, and why; empty when the chain is intact.
  std::optional<Position> first_bad_position;
  std::string problem;

  bool intact() const { return !first_bad_position.has_value(); }
};

// `storage_error` only when the store cannot be read; a broken chain is a successful
// verification whose result is not intact().
Result<ChainVerification> verify_chain(const EventStore& store);

}  // namespace redline
