// `redline init`, `events`, `history`, `audit verify`, `audit deadlines` and `audit draw`.
#include <iostream>

#include "engine/audit.h"
#include "engine/rules/deadline_audit.h"
#include "engine/domain/draw_audit.h"
#include "engine/domain/visibility.h"
#include "events/codec.h"
#include "events/json.h"
#include "tools/cli/commands.h"
#include "tools/cli/event_output.h"

namespace redline::cli {
namespace {

struct EventsOptions {
  std::uint64_t from = 1;
  std::string type;
  std::string stream;
  std::string format = "human";
  std::string as;  // --as ROLE[:SCOPE]; empty for the operator
};

// Prints `envelope` if the viewer may see it. False with *failure set on a read error.
bool print_visible(VisibilityFilter& filter, Envelope& envelope, EventFormat format,
                   Status* failure) {
  auto admitted = filter.admit(envelope);
  if (!admitted.ok()) {
    *failure = admitted.status();
    return false;
  }
  if (*admitted) print_event(std::cout, envelope, format);
  return true;
}

int run_init(CliContext& context) {
  auto store = context.open_store(/*create=*/true);
  if (!store.ok()) return report_error(store.status());
  const ChainHead head = (*store)->head();
  std::cout << "store ready at " << context.options().data_dir << " (head position "
            << head.position.value() << ")\n";
  return kExitOk;
}

int print_positions(const EventStore& store, const std::vector<Position>& positions,
                    const EventsOptions& options, EventFormat format, VisibilityFilter& filter) {
  for (Position position : positions) {
    if (position.value() < options.from) continue;
    auto envelope = store.read(position);
    if (!envelope.ok()) return report_error(envelope.status());
    if (!options.type.empty() && envelope->type() != options.type) continue;
    Status failure;
    if (!print_visible(filter, *envelope, format, &failure)) return report_error(failure);
  }
  return kExitOk;
}

// --format and --as of the event reads; false (after saying why) on a usage error.
bool read_view(const EventsOptions& options, EventFormat* format, Viewer* viewer) {
  auto parsed_format = parse_event_format(options.format);
  if (!parsed_format) {
    std::cerr << "redline: --format must be human or jsonl, got '" << options.format << "'\n";
    return false;
  }
  *format = *parsed_format;
  auto parsed_viewer = viewer_option(options.as);
  if (!parsed_viewer.ok()) {
    std::cerr << "redline: " << parsed_viewer.status().message() << "\n";
    return false;
  }
  *viewer = *parsed_viewer;
  return true;
}

int run_events(CliContext& context, const EventsOptions& options) {
  EventFormat format;
  Viewer viewer;
  if (!read_view(options, &format, &viewer)) return kExitUsage;
  if (!options.type.empty() && !event_type_index(options.type)) {
    std::cerr << "redline: --type '" << options.type << "' is not an event type of the spec\n";
    return kExitUsage;
  }
  auto store = context.open_store(/*create=*/false);
  if (!store.ok()) return report_error(store.status());
  VisibilityFilter filter(**store, viewer);
  if (!options.stream.empty()) {
    auto positions = (*store)->stream_positions(options.stream);
    if (!positions.ok()) return report_error(positions.status());
    return print_positions(**store, *positions, options, format, filter);
  }
  Status failure;
  Status scanned = (*store)->scan(Position(options.from), [&](Position, std::string_view bytes) {
    if (!options.type.empty()) {
      auto header = decode_header(bytes);
      if (!header.ok()) {
        failure = header.status();
        return false;
      }
      if (header->type != options.type) return true;
    }
    auto envelope = decode_envelope(bytes);
    if (!envelope.ok()) {
      failure = envelope.status();
      return false;
    }
    return print_visible(filter, *envelope, format, &failure);
  });
  if (!scanned.ok()) return report_error(scanned);
  if (!failure.ok()) return report_error(failure);
  return kExitOk;
}

int run_history(CliContext& context, const std::string& stream, const EventsOptions& options) {
  EventFormat format;
  Viewer viewer;
  if (!read_view(options, &format, &viewer)) return kExitUsage;
  auto store = context.open_store(/*create=*/false);
  if (!store.ok()) return report_error(store.status());
  auto positions = (*store)->stream_positions(stream);
  if (!positions.ok()) return report_error(positions.status());
  if (positions->empty()) {
    return report_error(Status(ErrorCode::not_found, "stream " + stream + " has no events"));
  }
  VisibilityFilter filter(**store, viewer);
  return print_positions(**store, *positions, EventsOptions{}, format, filter);
}

int run_audit_verify(CliContext& context) {
  auto store = context.open_store(/*create=*/false);
  if (!store.ok()) return report_error(store.status());
  auto report = verify_chain(**store);
  if (!report.ok()) return report_error(report.status());
  if (!report->intact()) {
    std::cout << "chain broken at position " << report->first_bad_position->value() << ": "
              << report->problem << "\n";
    return kExitIntegrity;
  }
  std::cout << "chain intact: " << report->events_checked << " events, head position "
            << report->head.position.value() << ", hash " << to_hex(report->head.hash) << "\n";
  return kExitOk;
}

int run_audit_deadlines(CliContext& context) {
  auto config = context.config();
  if (!config.ok()) return report_error(config.status());
  auto store = context.open_store(/*create=*/false);
  if (!store.ok()) return report_error(store.status());
  auto audit = audit_deadline_index(**store, config->rules);
  if (!audit.ok()) return report_error(audit.status());
  if (!audit->intact()) {
    std::cout << "deadline index differs from the log in " << audit->difference_count << " item(s):\n";
    for (const auto& difference : audit->differences) std::cout << "  " << difference << "\n";
    return kExitIntegrity;
  }
  std::cout << "deadline index matches the log: " << audit->items_stored << " items, " << audit->events_read
            << " events read\n";
  return kExitOk;
}

std::string join(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out.empty() ? "-" : out;
}

int run_audit_draw(CliContext& context, const std::string& inspection_id) {
  auto store = context.open_store(/*create=*/false);
  if (!store.ok()) return report_error(store.status());
  auto audit = audit_draw(**store, inspection_id);
  if (!audit.ok()) return report_error(audit.status());
  std::cout << "inspection " << inspection_id << " planned at position "
            << audit->planned_at.value() << "\n";
  if (!audit->recorded_institutions.empty() || !audit->redrawn_institutions.empty()) {
    std::cout << "  institutions recorded: " << join(audit->recorded_institutions) << "\n"
              << "  institutions redrawn:  " << join(audit->redrawn_institutions) << " (from "
              << audit->candidates << " candidates)\n";
  }
  if (!audit->recorded_inspectors.empty() || !audit->redrawn_inspectors.empty()) {
    std::cout << "  inspectors recorded:   " << join(audit->recorded_inspectors) << "\n"
              << "  inspectors redrawn:    " << join(audit->redrawn_inspectors) << "\n";
  }
  if (!audit->matches) {
    std::cout << "draw does NOT match: " << audit->problem << "\n";
    return kExitIntegrity;
  }
  std::cout << "draw matches\n";
  return kExitOk;
}

}  // namespace

void add_store_commands(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto* init = app.add_subcommand("init", "create the store (idempotent)");
  on_run(init, globals, exit_code, [](CliContext& context) {
    return run_init(context);
  });

  auto events_options = std::make_shared<EventsOptions>();
  auto* events = app.add_subcommand("events", "the log, in position order");
  events->add_option("--from", events_options->from, "first position")->check(CLI::PositiveNumber);
  events->add_option("--type", events_options->type, "only events of this type");
  events->add_option("--stream", events_options->stream, "only events of this stream");
  events->add_option("--format", events_options->format, "human or jsonl");
  events->add_option("--as", events_options->as, "read as ROLE[:SCOPE], e.g. institution_staff:I-1");
  on_run(events, globals, exit_code, [events_options](CliContext& context) {
    return run_events(context, *events_options);
  });

  auto history_stream = std::make_shared<std::string>();
  auto history_options = std::make_shared<EventsOptions>();
  auto* history = app.add_subcommand("history", "one stream's events, in version order");
  history->add_option("stream", *history_stream, "stream id, e.g. hazard-H1")->required();
  history->add_option("--format", history_options->format, "human or jsonl");
  history->add_option("--as", history_options->as, "read as ROLE[:SCOPE]");
  on_run(history, globals, exit_code, [history_stream, history_options](CliContext& context) {
    return run_history(context, *history_stream, *history_options);
  });

  auto* audit = app.add_subcommand("audit", "integrity checks");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "check the hash chain");
  on_run(verify, globals, exit_code, [](CliContext& context) {
    return run_audit_verify(context);
  });
  auto* deadlines = audit->add_subcommand(
      "deadlines", "check that the deadline index holds exactly what the log implies (current [rules])");
  on_run(deadlines, globals, exit_code, [](CliContext& context) { return run_audit_deadlines(context); });
  auto draw_inspection = std::make_shared<std::string>();
  auto* draw = audit->add_subcommand("draw", "re-run and confirm an inspection's double-random draw");
  draw->add_option("inspection_id", *draw_inspection, "the inspection")->required();
  on_run(draw, globals, exit_code, [draw_inspection](CliContext& context) {
    return run_audit_draw(context, *draw_inspection);
  });
}

}  // namespace redline::cli
