// A store and a CommandProcessor in a temp folder, for driving commands in-process: each
// run() handles one command and commits it. Shared actors and builders for domain tests.
// For tests; not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/domain/command_processor.h"
#include "engine/event_store.h"
#include "tests/support/temp_dir.h"

namespace redline::testing {

using nlohmann::json;

inline json city() { return {{"id", "city-1"}, {"role", "city_bureau"}}; }
inline json county(const std::string& c = "LT", const std::string& id = "lt-1") {
  return {{"id", id}, {"role", "county_bureau"}, {"county", c}};
}
inline json staff(const std::string& institution, const std::string& id = "staff-1") {
  return {{"id", id}, {"role", "institution_staff"}, {"institution_id", institution}};
}
inline json inspector_actor(const std::string& id = "insp-7") {
  return {{"id", id}, {"role", "inspector"}};
}
inline json public_actor() { return {{"id", "citizen-1"}, {"role", "public"}}; }

// Evidence of a rectification: one photo.
inline json evidence() {
  return json::array({{{"name", "after.jpg"}, {"format", "jpg"}, {"width", 800}, {"height", 600}}});
}

// {"type": type, "actor": actor, "at": at, ...fields}
inline json command(const std::string& type, json actor, json fields,
                    const std::string& at = "2026-06-02T09:00:00Z") {
  json c = std::move(fields);
  c["type"] = type;
  c["actor"] = std::move(actor);
  c["at"] = at;
  return c;
}

class DomainHarness {
 public:
  DomainHarness() {
    auto opened = EventStore::open(StoreOptions{dir_.sub("store"), false, true});
    EXPECT_TRUE(opened.ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    processor_ = std::make_unique<CommandProcessor>(*store_, RulesConfig{});
  }

  // Handles one command line and commits it; returns its result.
  json run_line(const std::string& line) {
    auto txn = store_->begin_transaction();
    auto result = processor_->handle(txn, line, ++line_);
    Status committed = txn.commit();
    EXPECT_TRUE(committed.ok()) << committed.to_string();
    json parsed = json::parse(result.json);  // the result line must be valid JSON
    EXPECT_EQ(parsed["ok"], result.ok);
    EXPECT_EQ(parsed["line"], result.line);
    return parsed;
  }
  json run(const json& c) { return run_line(c.dump()); }

  // Runs and expects acceptance.
  json ok(const json& c) {
    json result = run(c);
    EXPECT_EQ(result["ok"], true) << c.dump() << "\n -> " << result.dump();
    return result;
  }
  // Runs and expects rejection with `code`; checks that nothing was written.
  json rejected(const json& c, const std::string& code) {
    const Position before = store_->head().position;
    json result = run(c);
    EXPECT_EQ(result["ok"], false) << c.dump() << "\n -> " << result.dump();
    EXPECT_EQ(result["error"]["code"], code) << result.dump();
    EXPECT_EQ(store_->head().position, before) << "a rejected command wrote events";
    return result;
  }

  // A county LT with its bureau unit, institutions I-1 and I-2 in LT and I-9 in XF.
  void city_with_institutions() {
    ok(command("RegisterUnit", city(),
               {{"unit_id", "U-LT"}, {"name", "临桂区民政局"}, {"kind", "county_bureau"}, {"county", "LT"}}));
    ok(command("RegisterUnit", city(),
               {{"unit_id", "U-XF"}, {"name", "秀峰区民政局"}, {"kind", "county_bureau"}, {"county", "XF"}}));
    for (const auto& [id, c] : {std::pair{"I-1", "LT"}, {"I-2", "LT"}, {"I-9", "XF"}}) {
      ok(command("RegisterInstitution", city(),
                 {{"institution_id", id}, {"name", std::string("养老院") + id}, {"kind", "elderly_care"},
                  {"county", c}, {"capacity", 80}}));
    }
  }

  // Reports hazard `id` at I-1 (self-inspection) and classifies it.
  void classified_hazard(const std::string& id, const std::string& severity) {
    ok(command("ReportHazard", staff("I-1"),
               {{"hazard_id", id}, {"institution_id", "I-1"}, {"category", "fire_safety"},
                {"description", "灭火器过期"}, {"source", "self_inspection"}},
               "2026-06-02T09:00:00Z"));
    ok(command("ClassifyHazard", county(), {{"hazard_id", id}, {"severity", severity}},
               "2026-06-02T10:00:00Z"));
  }

  EventStore& store() { return *store_; }
  CommandProcessor& processor() { return *processor_; }

 private:
  TempDir dir_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<CommandProcessor> processor_;
  std::size_t line_ = 0;
};

}  // namespace redline::testing
