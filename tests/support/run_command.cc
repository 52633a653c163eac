#include "tests/support/run_command.h"

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/temp_dir.h"

namespace redline::testing {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string redline_command(const std::string& data_dir, const std::string& args) {
  return shell_quote(redline_binary()) + " --data " + shell_quote(data_dir) + " " + args;
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string redline_binary() { return REDLINE_BINARY; }

CommandOutput run_command(const std::string& command, const std::string& stdin_text) {
  TempDir io;
  const std::string in_path = io.sub("stdin");
  std::ofstream(in_path, std::ios::binary) << stdin_text;
  const std::string full = "(" + command + ") <" + shell_quote(in_path) + " >" +
                           shell_quote(io.sub("stdout")) + " 2>" + shell_quote(io.sub("stderr"));
  const int status = std::system(full.c_str());
  CommandOutput output;
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  output.out = slurp(io.sub("stdout"));
  output.err = slurp(io.sub("stderr"));
  return output;
}

std::string wait_for_text(const std::string& path, const std::string& needle, int timeout_ms) {
  std::string text;
  for (int waited = 0; waited <= timeout_ms && text.find(needle) == std::string::npos; waited += 50) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  return text;
}

}  // namespace redline::testing
