// How the built-in projections store a HazardState (hazard_status's states and history
// records, and the states the scorecard and county summary fold): its three strings through
// cereal, then every fixed-size field in one block of a fixed layout (little-endian, as the
// envelope codec). A rebuild encodes a state for every history record — millions — and an
// as-of read decodes one per hazard; one block instead of 26 fields through cereal makes
// each several times cheaper. Decoding checks every byte of the block (flags 0 or 1, enums
// in range): stored bytes may be damaged. Stateless; thread-safe.
#pragma once

#include "engine/domain/state.h"
#include "events/archives.h"

namespace redline {

// Found by cereal for these archives (the only ones that store projection states).
void CEREAL_SAVE_FUNCTION_NAME(StringOutputArchive& archive, const HazardState& state);
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& archive, HazardState& state);

}  // namespace redline
