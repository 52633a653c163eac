// How the built-in projections store a HazardState (hazard_status's states and history
// records, and the states the scorecard and county summary fold): its three strings as
// cereal writes them, then every fixed-size field in one block of a fixed layout
// (little-endian, as the envelope codec). A rebuild encodes a state for every history
// record — millions — and an as-of read decodes one per hazard; one block instead of 26
// fields through cereal makes each several times cheaper. Decoding checks every byte of
// the block (flags 0 or 1, enums in range): stored bytes may be damaged. Stateless;
// thread-safe.
#pragma once

#include "engine/domain/state.h"
#include "events/archives.h"

namespace redline {

// The bytes of a state, written and read without a cereal archive: constructing and
// destroying one cost about as much as the state's fields (a third of an as-of read's
// decoding). The state cache finds these by their names (internal/state_cache.h).
void append_state_bytes(const HazardState& state, std::string* bytes);
// Throws cereal::Exception when the bytes are damaged.
void read_state_bytes(BoundedReader& reader, HazardState& state);

}  // namespace redline
