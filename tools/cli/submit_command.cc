// `redline submit [FILE|-]`: JSON Lines commands in, one result line per input line out, in
// order (SPEC §3). Lines are handled in groups that share one commit (one fsync); the next
// group is prepared while the previous one is written, and a group's results are printed
// only once it is on disk.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <vector>

#include "engine/domain/command_processor.h"
#include "tools/cli/commands.h"
#include "tools/cli/line_reader.h"

namespace redline::cli {
namespace {

constexpr std::size_t kGroupLines = 1000;


// A group handed to the commit pipeline, with the results to print once it lands.
struct PendingGroup {
  std::future<Status> committed;
  std::vector<CommandOutcome> results;
};

class Submitter {
 public:
  Submitter(EventStore& store, const RulesConfig& rules)
      : store_(store), processor_(store, rules) {}

  int run(LineReader& input) {
    std::size_t line_number = 0;
    bool more = true;
    while (more) {
      PendingGroup group;
      {
        auto txn = store_.begin_transaction();
        // Take lines while they are ready, up to a group; at least one.
        do {
          auto line = input.next();
          if (!line) {
            more = false;
            break;
          }
          ++line_number;
          if (line->find_first_not_of(" \t") == std::string::npos) {
            group.results.push_back(CommandProcessor::error_result(
                line_number, std::nullopt, Status(ErrorCode::invalid_json, "empty line")));
            continue;
          }
          group.results.push_back(processor_.handle(txn, *line, line_number));
        } while (group.results.size() < kGroupLines && input.ready());
        group.committed = txn.commit_async();
      }
      finish_previous();
      previous_ = std::move(group);
      if (processor_.cache_over_limit()) {
        finish_previous();  // nothing in flight: every cached state is on disk
        processor_.trim_cache();
      }
    }
    finish_previous();
    if (storage_failed_) return kExitStorage;
    return any_rejected_ ? kExitRejected : kExitOk;
  }

 private:
  // Waits for the previous group's commit and prints its results; a failed commit turns
  // its accepted lines into storage errors (nothing of them was written).
  void finish_previous() {
    if (!previous_) return;
    const Status committed = previous_->committed.get();
    if (!committed.ok()) {
      storage_failed_ = true;
      processor_.cache().clear();
    }
    std::string out;
    for (auto& result : previous_->results) {
      if (!committed.ok() && result.ok) {
        result = CommandProcessor::error_result(result.line, result.command_id, committed);
      }
      if (!result.ok) any_rejected_ = true;
      out.append(result.json).push_back('\n');
    }
    std::cout << out;
    std::cout.flush();
    previous_.reset();
  }

  EventStore& store_;
  CommandProcessor processor_;
  std::optional<PendingGroup> previous_;
  bool any_rejected_ = false;
  bool storage_failed_ = false;
};

int run_submit(CliContext& context, const std::string& input_path) {
  int fd = STDIN_FILENO;
  if (input_path != "-") {
    fd = ::open(input_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::cerr << "redline: cannot read " << input_path << ": " << std::strerror(errno) << "\n";
      return kExitUsage;
    }
  }
  auto config = context.config();
  if (!config.ok()) return report_error(config.status());
  auto store = context.open_store(/*create=*/true);
  if (!store.ok()) return report_error(store.status());
  LineReader input(fd);
  Submitter submitter(**store, config->rules);
  const int code = submitter.run(input);
  if (fd != STDIN_FILENO) ::close(fd);
  return code;
}

}  // namespace

void add_domain_commands(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto input = std::make_shared<std::string>("-");
  auto* submit = app.add_subcommand("submit", "apply JSON Lines commands (FILE or - for stdin)");
  submit->add_option("input", *input, "a JSON Lines file, or - for standard input");
  on_run(submit, globals, exit_code, [input](CliContext& context) {
    return run_submit(context, *input);
  });
}

}  // namespace redline::cli
