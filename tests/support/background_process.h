// A command line run in the background by the integration tests: its pid (the command's own,
// through `exec`, so signals reach it), its stdout and stderr in files, and its exit code
// once it ends. Header-only; thread-compatible.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/run_command.h"

namespace redline::testing {

class BackgroundProcess {
 public:
  // Runs `command` (a shell command line) with its output in `<files>.out` / `<files>.err`.
  BackgroundProcess(const std::string& command, const std::string& files)
      : out_(files + ".out"), err_(files + ".err"), rc_(files + ".rc") {
    const std::string pid_file = files + ".pid";
    run_command("( sh -c " + shell_quote("echo $$ > " + shell_quote(pid_file) + "; exec " + command) + " > " +
                shell_quote(out_) + " 2> " + shell_quote(err_) + "; echo $? > " + shell_quote(rc_) + " ) >/dev/null 2>&1 &");
    for (int waited = 0; waited < 5000 && pid_ <= 0; waited += 10) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      std::ifstream in(pid_file);
      in >> pid_;
    }
  }
  ~BackgroundProcess() {
    if (!exit_code() && pid_ > 0) ::kill(pid_, SIGKILL);
  }
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int signal_number) const {
    if (pid_ > 0) ::kill(pid_, signal_number);
  }
  // The exit code once the command ended (128 + n when a signal n ended it).
  std::optional<int> exit_code() const {
    std::ifstream in(rc_);
    int code = -1;
    if (in >> code) return code;
    return std::nullopt;
  }
  // Waits up to timeout_ms for the end; the exit code or nullopt.
  std::optional<int> wait(int timeout_ms) const {
    for (int waited = 0; waited <= timeout_ms; waited += 20) {
      if (auto code = exit_code()) return code;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }
  std::string out() const { return read(out_); }
  std::string err() const { return read(err_); }
  const std::string& err_path() const { return err_; }

 private:
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string out_, err_, rc_;
  pid_t pid_ = 0;
};

}  // namespace redline::testing
