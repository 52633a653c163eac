// CommandProcessor: one input line to one result (SPEC §3): parse, idempotency by
// command_id, the handler's decision, the append with expected_version, and the result
// line, with the reactive rules' events (engine/rules/) in the same commit. Staging only; the caller commits the transaction and prints the results once the
// commit is on disk. Not thread-safe: one per writer.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/domain/command.h"
#include "engine/domain/domain_cache.h"
#include "engine/domain/handler_support.h"
#include "engine/event_store.h"

namespace redline {

// One input line's outcome: its result line of SPEC §3, ready to print. Built once as text:
// the result is both printed and remembered under its command_id, and a JSON tree per line
// was a fifth of the handling time.
struct CommandOutcome {
  bool ok = false;
  std::size_t line = 0;
  std::optional<std::string> command_id;
  std::string json;  // the result line, without a newline
};

// A line parsed but not yet handled. Parsing needs no state, so it can run ahead of
// handling on another thread.
struct ParsedLine {
  std::size_t line_number = 0;
  Result<ParsedCommand> command;
  std::optional<std::string> command_id;  // what could be read of it, even on failure
};

class CommandProcessor {
 public:
  // With reactive_rules off, commands append only their own events (for measuring what the
  // rules cost; a store written that way lacks the rules' deadlines and listings).
  CommandProcessor(const EventStore& store, RulesConfig rules, bool reactive_rules = true)
      : rules_(std::move(rules)), reactive_rules_(reactive_rules), cache_(store) {}

  // The result of line `line_number` (1-based), as one JSON object:
  // {"ok":true,"line":…,"command_id":…,"stream":…,"version":…,"first_position":…,
  //  "last_position":…,"events":[…]} (plus "duplicate":true for a repeated command_id), or
  // {"ok":false,"line":…,"command_id":…,"error":{"code":…,"message":…}}. A rejected line
  // stages nothing.
  CommandOutcome handle(StoreTransaction& txn, std::string_view line, std::size_t line_number) {
    return handle(txn, parse_line(line, line_number));
  }
  CommandOutcome handle(StoreTransaction& txn, const ParsedLine& parsed);

  // Parses line `line_number`; thread-safe. An empty line is `invalid_json`. `document`, when
  // given, is one of an earlier line to parse into (see parse_command).
  static ParsedLine parse_line(std::string_view line, std::size_t line_number,
                               std::unique_ptr<simdjson::dom::document> document = nullptr);

  // The write-side cache; clear it only when nothing is staged or in flight.
  DomainCache& cache() { return cache_; }

  // The cache is bounded: once this is true, the caller lets every commit land and then
  // calls trim_cache().
  bool cache_over_limit() const { return cache_.size() > kCacheLimit; }
  void trim_cache() { cache_.trim(kCacheLimit * 3 / 4); }

  static CommandOutcome error_result(std::size_t line_number,
                                     const std::optional<std::string>& command_id,
                                     const Status& status);
  // The first result of command_id, from its stored record (command_record.h), under
  // this line's number with "duplicate":true; storage_error when the record is damaged.
  static CommandOutcome duplicate_result(std::size_t line_number,
                                         const std::optional<std::string>& command_id,
                                         std::string_view record);

 private:
  // Entities kept in memory (a few hundred bytes each: ~150 MiB at the limit). A city's
  // institutions plus its open hazards fit; 200,000 made a simulated city of 80,000
  // institutions reload hot states from their streams.
  static constexpr std::size_t kCacheLimit = 400'000;

  RulesConfig rules_;
  bool reactive_rules_;
  DomainCache cache_;
};

}  // namespace redline
