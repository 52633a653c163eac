// The common fields of every command and the errors they give (SPEC §3).
#include <gtest/gtest.h>

#include "tests/support/domain_harness.h"

namespace redline {
namespace {

using testing::command;
using testing::json;

TEST(CommandParse, ErrorsOfTheCommonFields) {
  testing::DomainHarness h;
  struct Case {
    std::string line;
    std::string code;
    std::string message_part;
  };
  const std::string big(70 * 1024, 'x');
  for (const Case& c : std::vector<Case>{
           {"{\"type\":\"RegisterUnit\",\"pad\":\"" + big + "\"}", "too_large", "64 KiB"},
           {"{not json", "invalid_json", "parse error"},
           {"[1,2]", "invalid_json", "must be a JSON object"},
           {R"({"actor":{"id":"a","role":"city_bureau"}})", "missing_field", "type"},
           {R"({"type":"RegisterUnit"})", "missing_field", "actor"},
           {R"({"type":"RegisterUnit","actor":{"role":"city_bureau"}})", "missing_field", "actor.id"},
           {R"({"type":"RegisterUnit","actor":{"id":"a","role":"mayor"}})", "invalid_field",
            "actor.role 'mayor' is not one of institution_staff, inspector"},
           {R"({"type":"RegisterUnit","actor":{"id":"rules","role":"system"}})", "forbidden",
            "never accepted from outside"},
           {R"({"type":"ReportHazard","actor":{"id":"s","role":"institution_staff"}})",
            "missing_field", "actor.institution_id"},
           {R"({"type":"ReportHazard","actor":{"id":"s","role":"county_bureau"}})", "missing_field",
            "actor.county"},
           {R"({"type":"RegisterUnit","actor":{"id":"a","role":"city_bureau"},"at":"yesterday"})",
            "invalid_field", "at 'yesterday' is not an ISO-8601 UTC time"},
           {R"({"type":"RegisterUnit","actor":{"id":"a","role":"city_bureau"},"expected_version":-1})",
            "invalid_field", "expected_version"},
           {R"({"type":"FixEverything","actor":{"id":"a","role":"city_bureau"}})", "unknown_command",
            "FixEverything"},
           {R"({"type":"RegisterUnit","actor":{"id":"a/../b","role":"city_bureau"}})",
            "invalid_field", "actor.id"},
       }) {
    json result = h.run_line(c.line);
    EXPECT_EQ(result["ok"], false) << c.line.substr(0, 200);
    EXPECT_EQ(result["error"]["code"], c.code) << result.dump();
    EXPECT_NE(result["error"]["message"].get<std::string>().find(c.message_part), std::string::npos)
        << result.dump();
  }
  EXPECT_EQ(h.store().head().position, Position(0));
}

TEST(CommandParse, ResultLineCarriesTheCommandIdEvenWhenRejected) {
  testing::DomainHarness h;
  json result = h.run_line(R"({"type":"Nope","command_id":"c-9","actor":{"id":"a","role":"city_bureau"}})");
  EXPECT_EQ(result["command_id"], "c-9");
  EXPECT_EQ(result["error"]["code"], "unknown_command");
}

TEST(CommandParse, ReadOnlyAndPublicRoles) {
  testing::DomainHarness h;
  h.city_with_institutions();
  for (const char* role : {"auditor", "analyst"}) {
    json r = h.rejected(command("RegisterVolunteer", {{"id", "x"}, {"role", role}},
                                {{"volunteer_id", "V-1"}, {"name", "n"}, {"kind", "family"}}),
                        "forbidden");
    EXPECT_NE(r["error"]["message"].get<std::string>().find("read-only"), std::string::npos);
  }
  h.rejected(command("ReportHazard", testing::public_actor(),
                     {{"hazard_id", "H-1"}, {"institution_id", "I-1"}, {"category", "gas"},
                      {"description", "d"}, {"source", "self_inspection"}}),
             "forbidden");
}

}  // namespace
}  // namespace redline
