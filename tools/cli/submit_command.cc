// `redline submit [FILE|-]`: JSON Lines commands in, one result line per input line out, in
// order (SPEC §3), printed once each group is on disk (engine/domain/submission.h).
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "engine/domain/submission.h"
#include "tools/cli/command_relay.h"
#include "tools/cli/commands.h"
#include "tools/cli/line_reader.h"

namespace redline::cli {
namespace {

class ReaderSource final : public LineSource {
 public:
  explicit ReaderSource(LineReader& reader) : reader_(reader) {}
  std::optional<std::string> next() override { return reader_.next(); }
  bool ready() override { return reader_.ready(); }

 private:
  LineReader& reader_;
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
  CommandRelay relay(*config, **store);
  LineReader reader(fd);
  ReaderSource source(reader);
  std::string out;
  const SubmissionTotals totals =
      run_submission(**store, config->rules, source, [&out](const std::vector<CommandOutcome>& results) {
        out.clear();
        for (const auto& result : results) out.append(result.json).push_back('\n');
        std::cout << out << std::flush;
      });
  if (fd != STDIN_FILENO) ::close(fd);
  relay.finish();
  if (totals.storage_failed) return kExitStorage;
  return totals.rejected > 0 ? kExitRejected : kExitOk;
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
