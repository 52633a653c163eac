#include "tools/cli/read_point.h"

#include <chrono>
#include <iostream>

#include "events/time.h"

namespace redline::cli {

void add_read_point_options(CLI::App* command, ReadPointOptions* options) {
  command->add_option("--as-of", options->as_of,
                      "state from the events that occurred by TIME (business time)");
  command->add_option("--known-at", options->known_at,
                      "state from the events recorded by TIME");
  command->add_option_function<std::uint64_t>(
      "--position",
      [options](const std::uint64_t& n) {
        options->position = n;
        options->position_given = true;
      },
      "state after the event at position N");
}

Result<ReadPoint> read_point(const ReadPointOptions& options) {
  const int given = (options.as_of.empty() ? 0 : 1) + (options.known_at.empty() ? 0 : 1) +
                    (options.position_given ? 1 : 0);
  if (given > 1) {
    return Status(ErrorCode::invalid_field, "give at most one of --as-of, --known-at, --position");
  }
  auto instant = [](const std::string& option, const std::string& text) -> Result<Timestamp> {
    auto parsed = parse_instant(text);
    if (!parsed) {
      return Status(ErrorCode::invalid_field, option + " '" + text +
                                                  "' is not an ISO-8601 UTC time (2026-06-03T09:00:00Z)");
    }
    return *parsed;
  };
  ReadPoint point;
  if (!options.as_of.empty()) {
    auto time = instant("--as-of", options.as_of);
    if (!time.ok()) return time.status();
    point = ReadPoint{ReadPoint::Kind::as_of, Position(0), *time};
  } else if (!options.known_at.empty()) {
    auto time = instant("--known-at", options.known_at);
    if (!time.ok()) return time.status();
    point = ReadPoint{ReadPoint::Kind::known_at, Position(0), *time};
  } else if (options.position_given) {
    point = ReadPoint{ReadPoint::Kind::position, Position(options.position), Timestamp(0)};
  }
  return point;
}

Result<OpenedProjections> open_projections(CliContext& context, bool catch_up) {
  OpenedProjections opened;
  auto config = context.config();
  if (!config.ok()) return config.status();
  opened.config = *config;
  auto store = context.open_store(/*create=*/false);
  if (!store.ok()) return store.status();
  opened.store = std::move(store).value();
  ProjectionSettings settings{
      static_cast<std::uint64_t>(opened.config.projections.snapshot_every)};
  auto projections = ProjectionStore::open(*opened.store, settings);
  if (!projections.ok()) return projections.status();
  opened.projections = std::move(projections).value();
  if (!catch_up) return opened;
  const auto start = std::chrono::steady_clock::now();
  bool announced = false;
  REDLINE_RETURN_IF_ERROR(opened.projections->catch_up([&](std::string_view, Position done, Position head) {
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if (elapsed < std::chrono::seconds(1) && !announced) return;
    announced = true;
    std::cerr << "redline: catching up projections: " << done.value() << " / " << head.value()
              << " events\n";
  }));
  return opened;
}

}  // namespace redline::cli
