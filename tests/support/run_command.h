// Runs a command line through /bin/sh and captures its stdout, stderr and exit code.
// For integration tests that drive the real `redline` binary; thread-compatible.
#pragma once

#include <string>

namespace redline::testing {

struct CommandOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `command` is a shell command line; `stdin_text`, when given, is fed to its standard input.
CommandOutput run_command(const std::string& command, const std::string& stdin_text = "");

// The path of the built `redline` binary.
std::string redline_binary();

// `redline --data DATA_DIR ARGS` as a shell command line (ARGS already quoted as needed).
std::string redline_command(const std::string& data_dir, const std::string& args);

// Quotes one argument for /bin/sh.
std::string shell_quote(const std::string& text);

// The text of the file at `path` once it contains `needle`, or whatever it holds after
// `timeout_ms` (for output a background process writes).
std::string wait_for_text(const std::string& path, const std::string& needle, int timeout_ms);

}  // namespace redline::testing
