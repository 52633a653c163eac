// Declarative projections: each measure, filter and bucket, maintained equal to run, and
// each malformed file named by its key.
#include <gtest/gtest.h>

#include "projections/declarative.h"
#include "projections/projection_store.h"
#include "tests/support/domain_harness.h"

namespace redline {
namespace {

using testing::command;
using testing::county;
using testing::json;
using testing::staff;

class Declarative : public ::testing::Test {
 protected:
  // Four hazards: LT fire_safety ×2 (06-01 Mon, 06-08 Mon), LT gas (06-02), XF fire_safety
  // (06-30); one reported from an inspection.
  void SetUp() override {
    h.city_with_institutions();
    report("H-1", "I-1", "fire_safety", "self_inspection", "2026-06-01T09:00:00Z", staff("I-1"));
    report("H-2", "I-1", "fire_safety", "self_inspection", "2026-06-08T09:00:00Z", staff("I-1"));
    report("H-3", "I-2", "gas", "self_inspection", "2026-06-02T09:00:00Z", staff("I-2", "staff-2"));
    report("H-4", "I-9", "fire_safety", "spot_check", "2026-06-30T09:00:00Z",
           testing::county("XF", "xf-1"));
  }
  void report(const std::string& id, const std::string& institution, const std::string& category,
              const std::string& source, const std::string& at, json actor) {
    h.ok(command("ReportHazard", std::move(actor),
                 {{"hazard_id", id}, {"institution_id", institution}, {"category", category},
                  {"description", "隐患"}, {"source", source}}, at));
  }
  json run(const std::string& toml) {
    auto definition = parse_declarative(toml);
    EXPECT_TRUE(definition.ok()) << definition.status().to_string();
    auto result = run_declarative(h.store(), *definition);
    EXPECT_TRUE(result.ok()) << result.status().to_string();
    return json::parse(declarative_json(*result).dump());
  }
  // The rows a maintained declarative projection holds, rendered like a run's.
  json maintained(const ProjectionStore& projections, const std::string& name) {
    std::vector<std::pair<std::string, std::string>> groups;
    EXPECT_TRUE(projections.scan(name, "g/", [&](std::string_view k, std::string_view v) {
      groups.emplace_back(std::string(k.substr(2)), std::string(v));
      return true;
    }).ok());
    auto rows = declarative_rows_from_keys(groups);
    EXPECT_TRUE(rows.ok());
    if (!rows.ok()) return json();
    return json::parse(declarative_json(DeclarativeResult{name, h.store().head().position, *rows}).dump());
  }
  testing::DomainHarness h;
};

TEST_F(Declarative, CountGroupedByFieldPaths) {
  json out = run(R"(
name = "hazards_by_county"
events = ["HazardReported"]
group_by = ["data.county", "data.category"]
measure = "count"
)");
  EXPECT_EQ(out["name"], "hazards_by_county");
  EXPECT_EQ(out["position"], h.store().head().position.value());
  EXPECT_EQ(out["rows"], json::parse(R"([
    {"key": {"data.county": "LT", "data.category": "fire_safety"}, "value": 2},
    {"key": {"data.county": "LT", "data.category": "gas"}, "value": 1},
    {"key": {"data.county": "XF", "data.category": "fire_safety"}, "value": 1}])"));
}

TEST_F(Declarative, WhereFiltersOnEquality) {
  json out = run(R"(
name = "found"
events = ["HazardReported"]
where = { "data.source" = "spot_check" }
group_by = ["data.county"]
)");
  EXPECT_EQ(out["rows"], json::parse(R"([{"key": {"data.county": "XF"}, "value": 1}])"));
}

TEST_F(Declarative, PathsIntoTheEnvelopeAsWellAsItsData) {
  json out = run(R"(
name = "by_role"
events = ["HazardReported"]
where = { "type" = "HazardReported" }
group_by = ["actor.role", "data.county"]
)");
  EXPECT_EQ(out["rows"], json::parse(R"([
    {"key": {"actor.role": "county_bureau", "data.county": "XF"}, "value": 1},
    {"key": {"actor.role": "institution_staff", "data.county": "LT"}, "value": 3}])"));
}

TEST_F(Declarative, DistinctAndSumMeasures) {
  json distinct = run(R"(
name = "institutions_with_hazards"
events = ["HazardReported"]
group_by = ["data.county"]
measure = "distinct:data.institution_id"
)");
  EXPECT_EQ(distinct["rows"], json::parse(R"([
    {"key": {"data.county": "LT"}, "value": 2}, {"key": {"data.county": "XF"}, "value": 1}])"));
  json sum = run(R"(
name = "beds"
events = ["InstitutionRegistered"]
group_by = ["data.county"]
measure = "sum:data.capacity"
)");
  EXPECT_EQ(sum["rows"], json::parse(R"([
    {"key": {"data.county": "LT"}, "value": 160}, {"key": {"data.county": "XF"}, "value": 80}])"));
}

TEST_F(Declarative, BucketsByDayWeekAndMonth) {
  const std::string base = "name = \"b\"\nevents = [\"HazardReported\"]\n";
  EXPECT_EQ(run(base + "bucket = \"week\"")["rows"], json::parse(R"([
    {"key": {"bucket": "2026-06-01"}, "value": 2}, {"key": {"bucket": "2026-06-08"}, "value": 1},
    {"key": {"bucket": "2026-06-29"}, "value": 1}])"));
  EXPECT_EQ(run(base + "bucket = \"month\"")["rows"], json::parse(R"([
    {"key": {"bucket": "2026-06-01"}, "value": 4}])"));
  EXPECT_EQ(run(base + "bucket = \"day\"")["rows"].size(), 4u);
}

TEST_F(Declarative, MaintainedProjectionEqualsARunOverTheHistory) {
  const std::string toml = R"(
name = "per_county_week"
events = ["HazardReported"]
group_by = ["data.county"]
measure = "distinct:data.category"
bucket = "week"
)";
  auto projections = ProjectionStore::open(h.store(), ProjectionSettings{}).value();
  ASSERT_TRUE(projections->add_declarative(toml).ok());
  report("H-5", "I-2", "electrical", "self_inspection", "2026-06-09T09:00:00Z", staff("I-2", "staff-2"));
  ASSERT_TRUE(projections->catch_up().ok());
  EXPECT_EQ(maintained(*projections, "per_county_week"), run(toml));
  // Added once; the name is then taken, and a reopened store keeps maintaining it.
  EXPECT_EQ(projections->add_declarative(toml).code(), ErrorCode::conflict);
  auto reopened = ProjectionStore::open(h.store(), ProjectionSettings{}).value();
  EXPECT_TRUE(reopened->has("per_county_week"));
}

// Written after every event, each write in the background while the next event is folded:
// a group's count read right after the write that holds it still counts it.
TEST_F(Declarative, MaintainedAcrossBackgroundWritesEqualsARunOverTheHistory) {
  const std::string toml = R"(
name = "by_type"
events = ["UnitRegistered", "InstitutionRegistered", "HazardReported"]
group_by = ["type"]
measure = "count"
)";
  ProjectionSettings settings;
  settings.events_per_write = 1;
  auto projections = ProjectionStore::open(h.store(), settings).value();
  const Status added = projections->add_declarative(toml);
  ASSERT_TRUE(added.ok()) << added.to_string();
  EXPECT_EQ(maintained(*projections, "by_type"), run(toml));
}

TEST(DeclarativeErrors, EachMalformedFileNamesTheKey) {
  const std::string ok_events = "events = [\"HazardReported\"]\n";
  struct Case {
    std::string toml;
    std::string message_part;
  };
  for (const Case& c : std::vector<Case>{
           {"name = \n", "not valid TOML"},
           {ok_events, "name"},
           {"name = \"a b\"\n" + ok_events, "name: must be an id"},
           {"name = \"hazard_status\"\n" + ok_events, "name: 'hazard_status' is a built-in"},
           {"name = \"x\"\n", "events"},
           {"name = \"x\"\nevents = []\n", "events: must name at least one"},
           {"name = \"x\"\nevents = [\"Banana\"]\n", "events: 'Banana' is not an event type"},
           {"name = \"x\"\nevents = \"HazardReported\"\n", "events: must be a list"},
           {"name = \"x\"\n" + ok_events + "where = 3\n", "where: must be a table"},
           {"name = \"x\"\n" + ok_events + "where = { \"data.county\" = [1] }\n",
            "where.data.county: must be a string, number or boolean"},
           {"name = \"x\"\n" + ok_events + "group_by = [\"data..county\"]\n", "group_by: 'data..county'"},
           {"name = \"x\"\n" + ok_events + "measure = \"avg:data.capacity\"\n", "measure: 'avg:data.capacity'"},
           {"name = \"x\"\n" + ok_events + "bucket = \"year\"\n", "bucket: 'year' is not day, week or month"},
           {"name = \"x\"\n" + ok_events + "colour = \"red\"\n", "colour: unknown key"},
       }) {
    auto parsed = parse_declarative(c.toml);
    ASSERT_FALSE(parsed.ok()) << c.toml;
    EXPECT_NE(parsed.status().message().find(c.message_part), std::string::npos)
        << c.toml << " -> " << parsed.status().message();
  }
}

}  // namespace
}  // namespace redline
