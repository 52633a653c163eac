// `redline projection list | rebuild NAME | run FILE | add FILE | show NAME` (SPEC §5, §7):
// the projections' checkpoints and lag, rebuilding one from position 1, running a
// declarative TOML projection over the history or registering it to be maintained, and
// showing what a projection holds.
#include <unistd.h>

#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "events/json.h"
#include "projections/builtin_projections.h"
#include "projections/declarative.h"
#include "tools/cli/commands.h"
#include "tools/cli/read_point.h"
#include "tools/cli/table.h"

namespace redline::cli {
namespace {

struct ProjectionOptions {
  std::string name;
  std::string file;
  std::string format = "table";
};

// A bar on a terminal, a plain line every few seconds otherwise.
class ProgressPrinter {
 public:
  ProgressPrinter() : terminal_(::isatty(STDERR_FILENO) == 1) {}
  ~ProgressPrinter() {
    if (terminal_ && drawn_) std::cerr << "\n";
  }
  void operator()(std::string_view name, Position done, Position head) {
    const double fraction = head.value() == 0 ? 1.0 : static_cast<double>(done.value()) / head.value();
    if (terminal_) {
      constexpr int kWidth = 40;
      const int filled = static_cast<int>(fraction * kWidth);
      std::cerr << "\r" << name << " [" << std::string(filled, '#') << std::string(kWidth - filled, ' ')
                << "] " << done.value() << "/" << head.value() << std::flush;
      drawn_ = true;
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (done < head && now - last_ < std::chrono::seconds(2)) return;
    last_ = now;
    std::cerr << "redline: " << name << ": " << done.value() << " of " << head.value()
              << " events (" << std::fixed << std::setprecision(0) << fraction * 100 << "%)\n";
  }

 private:
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::not_found, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool check_format(const std::string& format, std::initializer_list<const char*> allowed) {
  for (const char* f : allowed) {
    if (format == f) return true;
  }
  std::cerr << "redline: --format '" << format << "' is not one of";
  for (const char* f : allowed) std::cerr << " " << f;
  std::cerr << "\n";
  return false;
}

std::string rate_text(std::optional<double> rate) {
  if (!rate) return "-";
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << *rate * 100 << "%";
  return out.str();
}

void print_declarative(const DeclarativeResult& result, const std::string& format) {
  if (format == "json") {
    std::cout << declarative_json(result).dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
    return;
  }
  if (format == "csv") {
    std::cout << declarative_csv(result);
    return;
  }
  std::vector<std::string> header;
  if (!result.rows.empty()) {
    for (const auto& [key, value] : result.rows.front().key.items()) header.push_back(key);
  }
  header.emplace_back("value");
  Table table(header);
  for (const auto& row : result.rows) {
    std::vector<std::string> cells;
    for (const auto& [key, value] : row.key.items()) {
      cells.push_back(value.is_string() ? value.get<std::string>() : value.is_null() ? "-" : value.dump());
    }
    cells.push_back(row.value.dump());
    table.add(std::move(cells));
  }
  table.print(std::cout);
}

int run_list(CliContext& context, const ProjectionOptions& options) {
  if (!check_format(options.format, {"table", "json"})) return kExitUsage;
  auto opened = open_projections(context, /*catch_up=*/false);
  if (!opened.ok()) return report_error(opened.status());
  // Listed as stored, before any catching up: the lag is what a reader would wait for.
  const auto infos = opened->projections->list();
  if (options.format == "json") {
    Json out = Json::array();
    for (const auto& info : infos) {
      out.push_back({{"name", info.name}, {"kind", info.kind}, {"position", info.position.value()},
                     {"lag", info.lag}});
    }
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  Table table({"projection", "kind", "position", "lag"});
  for (const auto& info : infos) {
    table.add({info.name, info.kind, std::to_string(info.position.value()), std::to_string(info.lag)});
  }
  table.print(std::cout);
  return kExitOk;
}

int run_rebuild(CliContext& context, const ProjectionOptions& options) {
  auto opened = open_projections(context, /*catch_up=*/false);
  if (!opened.ok()) return report_error(opened.status());
  auto& projections = opened->projections;
  if (!projections->has(options.name)) {
    std::cerr << "redline: no projection named '" << options.name << "'\n";
    return kExitUsage;
  }
  Status rebuilt = Status::Ok();
  {
    ProgressPrinter progress;
    rebuilt = projections->rebuild(options.name, std::ref(progress));
  }
  if (!rebuilt.ok()) return report_error(rebuilt);
  std::cout << "rebuilt " << options.name << " to position "
            << projections->info(options.name)->position.value() << "\n";
  return kExitOk;
}

int run_declarative_file(CliContext& context, const ProjectionOptions& options, bool add) {
  if (!check_format(options.format, {"table", "json", "csv"})) return kExitUsage;
  auto text = read_file(options.file);
  if (!text.ok()) {
    std::cerr << "redline: " << text.status().message() << "\n";
    return kExitUsage;
  }
  auto definition = parse_declarative(*text);
  if (!definition.ok()) {
    std::cerr << "redline: " << options.file << ": " << definition.status().message() << "\n";
    return kExitRejected;
  }
  auto opened = open_projections(context, /*catch_up=*/add);
  if (!opened.ok()) return report_error(opened.status());
  if (!add) {
    auto result = run_declarative(*opened->store, *definition);
    if (!result.ok()) return report_error(result.status());
    print_declarative(*result, options.format);
    return kExitOk;
  }
  Status added = Status::Ok();
  {
    ProgressPrinter progress;
    added = opened->projections->add_declarative(*text, std::ref(progress));
  }
  if (!added.ok()) return report_error(added);
  std::cout << "added projection " << definition->name << "\n";
  return kExitOk;
}

// A failed scan ends the command with its error.
#define SCAN_OR_REPORT(expr)                          \
  do {                                                \
    const Status scanned_ = (expr);                   \
    if (!scanned_.ok()) return report_error(scanned_); \
  } while (0)

int run_show(CliContext& context, const ProjectionOptions& options) {
  if (!check_format(options.format, {"table", "json"})) return kExitUsage;
  auto opened = open_projections(context, /*catch_up=*/true);
  if (!opened.ok()) return report_error(opened.status());
  const ProjectionStore& p = *opened->projections;
  const auto info = p.info(options.name);
  if (!info) {
    std::cerr << "redline: no projection named '" << options.name << "'\n";
    return kExitUsage;
  }
  const Position position = info->position;
  const std::string& kind = info->kind;
  Json out;
  out["name"] = options.name;
  out["position"] = position.value();
  out["rows"] = Json::array();
  Status decoded = Status::Ok();
  auto fail = [&decoded](const Status& s) {
    decoded = s;
    return false;
  };
  if (options.name == kInstitutionScorecard) {
    Table table({"institution", "open", "overdue", "closed", "drills", "letters", "obligations_missed"});
    SCAN_OR_REPORT(p.scan(options.name, "i/", [&](std::string_view key, std::string_view value) {
      auto card = decode_scorecard(value);
      if (!card.ok()) return fail(card.status());
      const std::string id(key.substr(2));
      out["rows"].push_back({{"institution_id", id}, {"open", card->open}, {"overdue", card->overdue},
                             {"closed", card->closed}, {"drills", card->drills},
                             {"letters", card->letters}, {"obligations_missed", card->obligations_missed}});
      table.add({id, std::to_string(card->open), std::to_string(card->overdue),
                 std::to_string(card->closed), std::to_string(card->drills),
                 std::to_string(card->letters), std::to_string(card->obligations_missed)});
      return true;
    }));
    if (!decoded.ok()) return report_error(decoded);
    if (options.format == "table") table.print(std::cout);
  } else if (options.name == kCountySummary) {
    Table table({"county", "hazards", "open", "closed", "dismissed", "major", "rectification_rate",
                 "on_time_rate"});
    SCAN_OR_REPORT(p.scan(options.name, "c/", [&](std::string_view key, std::string_view value) {
      auto summary = decode_county_summary(value);
      if (!summary.ok()) return fail(summary.status());
      const std::string county(key.substr(2));
      auto rate = [](std::optional<double> r) { return r ? Json(*r) : Json(); };
      out["rows"].push_back({{"county", county}, {"hazards", summary->hazards},
                             {"by_state", summary->by_state}, {"by_severity", summary->by_severity},
                             {"by_category", summary->by_category}, {"closed", summary->closed},
                             {"closed_on_time", summary->closed_on_time},
                             {"dismissed", summary->dismissed},
                             {"rectification_rate", rate(summary->rectification_rate())},
                             {"on_time_rate", rate(summary->on_time_rate())}});
      const std::int64_t open = summary->hazards - summary->closed - summary->dismissed;
      auto major = summary->by_severity.find("major");
      table.add({county, std::to_string(summary->hazards), std::to_string(open),
                 std::to_string(summary->closed), std::to_string(summary->dismissed),
                 std::to_string(major == summary->by_severity.end() ? 0 : major->second),
                 rate_text(summary->rectification_rate()), rate_text(summary->on_time_rate())});
      return true;
    }));
    if (!decoded.ok()) return report_error(decoded);
    if (options.format == "table") table.print(std::cout);
  } else if (kind == "declarative") {
    std::vector<std::pair<std::string, std::string>> groups;
    SCAN_OR_REPORT(p.scan(options.name, "g/", [&](std::string_view key, std::string_view value) {
      groups.emplace_back(std::string(key.substr(2)), std::string(value));
      return true;
    }));
    auto rows = declarative_rows_from_keys(groups);
    if (!rows.ok()) return report_error(rows.status());
    print_declarative(DeclarativeResult{options.name, position, std::move(rows).value()}, options.format);
    return kExitOk;
  } else {
    // Any other projection: its keys and values as stored.
    Table table({"key", "value"});
    SCAN_OR_REPORT(p.scan(options.name, "", [&](std::string_view key, std::string_view value) {
      const std::string k(key);
      const std::string v(value);
      const bool text = std::all_of(v.begin(), v.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x20;
      });
      out["rows"].push_back({{"key", k}, {"value", text ? Json(v) : Json(std::to_string(v.size()) + " bytes")}});
      table.add({k, text ? v : std::to_string(v.size()) + " bytes"});
      return true;
    }));
    if (options.format == "table") table.print(std::cout);
  }
  if (options.format == "json") {
    std::cout << out.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_projection_commands(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto* projection = app.add_subcommand("projection", "projections: list, rebuild, run, add, show");
  projection->require_subcommand(1);

  auto options = std::make_shared<ProjectionOptions>();
  auto* list = projection->add_subcommand("list", "each projection's position and lag");
  list->add_option("--format", options->format, "table or json");
  on_run(list, globals, exit_code, [options](CliContext& c) { return run_list(c, *options); });

  auto* rebuild = projection->add_subcommand("rebuild", "fold a projection again from position 1");
  rebuild->add_option("name", options->name, "projection name")->required();
  on_run(rebuild, globals, exit_code, [options](CliContext& c) { return run_rebuild(c, *options); });

  auto* run = projection->add_subcommand("run", "compute a declarative projection (TOML) over the history");
  run->add_option("file", options->file, "the TOML file")->required();
  run->add_option("--format", options->format, "table, json or csv");
  on_run(run, globals, exit_code, [options](CliContext& c) { return run_declarative_file(c, *options, false); });

  auto* add = projection->add_subcommand("add", "register a declarative projection to be maintained");
  add->add_option("file", options->file, "the TOML file")->required();
  on_run(add, globals, exit_code, [options](CliContext& c) { return run_declarative_file(c, *options, true); });

  auto* show = projection->add_subcommand("show", "what a projection holds");
  show->add_option("name", options->name, "projection name")->required();
  show->add_option("--format", options->format, "table or json");
  on_run(show, globals, exit_code, [options](CliContext& c) { return run_show(c, *options); });
}

}  // namespace redline::cli
