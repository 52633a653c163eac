// A store, a CommandProcessor with chosen rule parameters, and the tick, for rule tests:
// run commands, tick to an instant, and read back the events each produced. For tests; not
// thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/domain/command_processor.h"
#include "engine/event_store.h"
#include "engine/rules/tick.h"
#include "events/json.h"
#include "events/time.h"
#include "tests/support/domain_harness.h"
#include "tests/support/temp_dir.h"

namespace redline::testing {

// The parts of a stored event a rule test compares: type, stream, occurred_at, actor,
// rule, caused_by and data as JSON.
struct SeenEvent {
  Position position;
  std::string type;
  std::string stream;
  std::string occurred_at;
  std::string actor_role;
  std::optional<std::string> rule;
  std::optional<std::uint64_t> caused_by;
  json data;
};

inline Timestamp instant(const std::string& text) {
  auto parsed = parse_instant(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Timestamp(0));
}

class RulesHarness {
 public:
  explicit RulesHarness(RulesConfig rules = RulesConfig{}) : rules_(std::move(rules)) {
    auto opened = EventStore::open(StoreOptions{dir_.sub("store"), false, true});
    EXPECT_TRUE(opened.ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    processor_ = std::make_unique<CommandProcessor>(*store_, rules_);
  }

  // Handles one command and commits it; returns its result line.
  json run(const json& c) {
    auto txn = store_->begin_transaction();
    auto result = processor_->handle(txn, c.dump(), ++line_);
    Status committed = txn.commit();
    EXPECT_TRUE(committed.ok()) << committed.to_string();
    return json::parse(result.json);
  }
  json ok(const json& c) {
    json result = run(c);
    EXPECT_EQ(result["ok"], true) << c.dump() << "\n -> " << result.dump();
    return result;
  }

  // The events `result` appended.
  std::vector<SeenEvent> events_of(const json& result) {
    return range(result["first_position"].get<std::uint64_t>(),
                 result["last_position"].get<std::uint64_t>());
  }

  // Ticks to `now` and returns the events appended.
  std::vector<SeenEvent> tick(const std::string& now) {
    auto outcome = run_tick(*store_, rules_, instant(now), &processor_->cache());
    EXPECT_TRUE(outcome.ok()) << outcome.status().to_string();
    if (!outcome.ok() || !outcome->first_position) return {};
    return range(outcome->first_position->value(), outcome->last_position->value());
  }

  std::vector<SeenEvent> range(std::uint64_t first, std::uint64_t last) {
    std::vector<SeenEvent> seen;
    for (std::uint64_t p = first; p <= last; ++p) {
      auto e = store_->read(Position(p));
      EXPECT_TRUE(e.ok()) << e.status().to_string();
      if (!e.ok()) break;
      seen.push_back({e->position, std::string(e->type()), e->stream, format_instant(e->occurred_at),
                      std::string(to_string(e->actor.role)), e->rule,
                      e->caused_by ? std::optional<std::uint64_t>(e->caused_by->value()) : std::nullopt,
                      event_data_to_json(e->data)});
    }
    return seen;
  }

  // The events of one stream, in order.
  std::vector<SeenEvent> stream(const std::string& id) {
    std::vector<SeenEvent> seen;
    auto positions = store_->stream_positions(id);
    EXPECT_TRUE(positions.ok());
    for (Position p : *positions) {
      auto one = range(p.value(), p.value());
      seen.insert(seen.end(), one.begin(), one.end());
    }
    return seen;
  }

  EventStore& store() { return *store_; }
  const RulesConfig& rules() const { return rules_; }

  // Registers county bureaus U-LT (LT) and U-XF (XF) and institutions I-1, I-2, I-3 in LT
  // and I-9 in XF.
  void city() {
    ok(command("RegisterUnit", testing::city(),
               {{"unit_id", "U-LT"}, {"name", "临桂区民政局"}, {"kind", "county_bureau"}, {"county", "LT"}},
               "2026-06-01T08:00:00Z"));
    ok(command("RegisterUnit", testing::city(),
               {{"unit_id", "U-XF"}, {"name", "秀峰区民政局"}, {"kind", "county_bureau"}, {"county", "XF"}},
               "2026-06-01T08:00:00Z"));
    for (const auto& [id, c] : {std::pair{"I-1", "LT"}, {"I-2", "LT"}, {"I-3", "LT"}, {"I-9", "XF"}}) {
      ok(command("RegisterInstitution", testing::city(),
                 {{"institution_id", id}, {"name", std::string("养老院") + id}, {"kind", "elderly_care"},
                  {"county", c}, {"capacity", 80}},
                 "2026-06-01T08:00:00Z"));
    }
  }

  // Reports hazard `id` (category fire_safety unless given) at `institution` at `at`.
  json report(const std::string& id, const std::string& institution, const std::string& at,
              const std::string& category = "fire_safety") {
    return ok(command("ReportHazard", staff(institution),
                      {{"hazard_id", id}, {"institution_id", institution}, {"category", category},
                       {"description", "隐患"}, {"source", "self_inspection"}},
                      at));
  }
  json classify(const std::string& id, const std::string& severity, const std::string& at) {
    return ok(command("ClassifyHazard", testing::city(), {{"hazard_id", id}, {"severity", severity}}, at));
  }

 private:
  TempDir dir_;
  RulesConfig rules_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<CommandProcessor> processor_;
  std::size_t line_ = 0;
};

// "Type" of each event, for compact comparisons.
inline std::vector<std::string> types(const std::vector<SeenEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type);
  return out;
}

}  // namespace redline::testing
