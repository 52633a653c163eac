// The history options of every state read (SPEC §5, §7): --as-of TIME, --known-at TIME,
// --position N (at most one), and opening the projections caught up to the head.
// Used from the CLI's single thread.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "engine/config.h"
#include "engine/event_store.h"
#include "tools/cli/cli_context.h"
#include "projections/hazard_history.h"
#include "projections/projection_store.h"

namespace redline::cli {

struct ReadPointOptions {
  std::string as_of;
  std::string known_at;
  std::uint64_t position = 0;
  bool position_given = false;
};

void add_read_point_options(CLI::App* command, ReadPointOptions* options);
// invalid_field naming the option when a time does not parse or more than one is given.
Result<ReadPoint> read_point(const ReadPointOptions& options);

// The configuration, the store and its projections, opened together (members in the order
// they must be destroyed last to first).
struct OpenedProjections {
  Config config;
  std::unique_ptr<EventStore> store;
  std::unique_ptr<ProjectionStore> projections;
};

// Opens them; with `catch_up`, folds every projection up to the head first (a progress
// line on stderr when that takes a while).
Result<OpenedProjections> open_projections(CliContext& context, bool catch_up);

}  // namespace redline::cli
