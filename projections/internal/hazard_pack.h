// Writing hazard_status's pack (hazard_history.h): every hazard's state at a snapshot, in
// runs of history::kStatesPerRun under "pack/ID" of their first, derived from the stored
// keys as a whole once a fold is in — the current states, each hazard changed since the
// snapshot taken from its pre-image there or left out when it was reported after it. The
// previous pack's runs that no new one replaces are erased, and "packed" records the
// snapshot. Internal to hazard_status. Reads the batch's stored keys on two threads when
// it offers StoredReads and they are many; otherwise one thread.
#pragma once

#include "events/envelope.h"
#include "events/status.h"
#include "projections/projection.h"

namespace redline::internal {

Status write_hazard_pack(ProjectionBatch& batch, Position snapshot);

}  // namespace redline::internal
