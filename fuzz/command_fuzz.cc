// libFuzzer target: one command line through everything `submit` does to it but the commit:
// the size check, the JSON parser, field validation, the role and lifecycle decision and
// the reactive rules, against a store that already holds a small simulated city (so the
// handlers get past "not found"). The transaction is rolled back, so every input meets the
// same store. Any crash, sanitizer report or leak is a finding.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "engine/domain/command_processor.h"
#include "engine/domain/submission.h"
#include "engine/event_store.h"
#include "tools/simulator/city_simulator.h"

namespace {

redline::EventStore* store = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("redline-fuzz-" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(path);
  auto opened = redline::EventStore::open({.path = path, .sync = false});
  if (!opened.ok()) std::abort();
  store = opened->release();
  std::vector<std::string> lines;
  redline::SimulationOptions city{.seed = 7, .counties = 2, .institutions = 12, .days = 10};
  if (!redline::simulate_city(city, [&lines](const nlohmann::ordered_json& c) { lines.push_back(c.dump()); }, nullptr)
           .ok()) {
    std::abort();
  }
  redline::MemoryLineSource source(lines);
  (void)redline::run_submission(*store, redline::RulesConfig{}, source, [](const auto&) {});
  std::atexit([] {
    const std::string folder = store->options().path;
    delete store;
    std::filesystem::remove_all(folder);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  redline::CommandProcessor processor(*store, redline::RulesConfig{});
  auto txn = store->begin_transaction();
  (void)processor.handle(txn, std::string_view(reinterpret_cast<const char*>(data), size), 1);
  txn.rollback();
  return 0;
}
