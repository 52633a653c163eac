// Schema evolution: bytes written at schema 1 stay readable after the type gains a field.
// tests/fixtures/drill_recorded_schema1.bin is a DrillRecorded envelope as schema 1 wrote
// it; it is committed and never regenerated (REDLINE_WRITE_FIXTURES=1 wrote it once).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "events/codec.h"
#include "tests/support/sample_events.h"

namespace redline {
namespace {

// DrillRecorded as it would look after gaining a field at schema 2.
struct DrillRecordedV2 {
  std::string drill_id;
  std::string institution_id;
  DrillKind kind = DrillKind::fire_drill;
  std::string held_on;
  Instructor instructor = Instructor::internal;
  std::uint32_t participants = 0;
  std::uint32_t duration_minutes = 60;  // new at schema 2; the default for older events

  template <class Archive>
  void serialize(Archive& archive, std::uint32_t const schema) {
    archive(drill_id, institution_id, kind, held_on, instructor, participants);
    if (schema >= 2) archive(duration_minutes);
  }
};

const std::string kFixture = std::string(REDLINE_SOURCE_DIR) + "/tests/fixtures/drill_recorded_schema1.bin";

NewEvent fixture_event() {
  return testing::new_event("institution-I-1",
                            DrillRecorded{"D-7", "I-1", DrillKind::fire_drill, "2026-06-12",
                                          Instructor::firefighter, 42},
                            "2026-06-12T08:30:00Z", Actor{"staff-1", Role::institution_staff});
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace
}  // namespace redline

CEREAL_CLASS_VERSION(redline::DrillRecordedV2, 2)

namespace redline {
namespace {

TEST(Upcasting, WriteFixtureOnlyWhenAsked) {
  if (std::getenv("REDLINE_WRITE_FIXTURES") == nullptr) GTEST_SKIP() << "fixture is committed";
  std::string bytes;
  encode_envelope(fixture_event(),
                  CommitStamp{Position(1), StreamVersion(1), testing::at("2026-06-12T08:30:05Z"), {}},
                  &bytes);
  std::ofstream(kFixture, std::ios::binary) << bytes;
}

TEST(Upcasting, SchemaOneFixtureStillDecodesWithTheCurrentType) {
  const std::string bytes = read_file(kFixture);
  ASSERT_FALSE(bytes.empty()) << "missing fixture " << kFixture;
  auto envelope = decode_envelope(bytes);
  ASSERT_TRUE(envelope.ok()) << envelope.status().to_string();
  EXPECT_EQ(envelope->schema, 1u);
  EXPECT_EQ(envelope->hash, compute_envelope_hash(bytes)) << "fixture bytes changed";
  const auto& drill = std::get<DrillRecorded>(envelope->data);
  EXPECT_EQ(drill.drill_id, "D-7");
  EXPECT_EQ(drill.participants, 42u);
  EXPECT_EQ(drill.instructor, Instructor::firefighter);
}

TEST(Upcasting, SchemaOneFixtureLoadsIntoSchemaTwoWithTheNewFieldDefaulted) {
  const std::string bytes = read_file(kFixture);
  ASSERT_FALSE(bytes.empty()) << "missing fixture " << kFixture;
  auto upgraded = decode_data_as<DrillRecordedV2>(bytes);
  ASSERT_TRUE(upgraded.ok()) << upgraded.status().to_string();
  EXPECT_EQ(upgraded->drill_id, "D-7");
  EXPECT_EQ(upgraded->held_on, "2026-06-12");
  EXPECT_EQ(upgraded->participants, 42u);
  EXPECT_EQ(upgraded->duration_minutes, 60u);
}

TEST(Upcasting, CurrentEncoderStillProducesTheFixtureBytes) {
  // Guards the byte format: an accidental change to the envelope layout fails here. (When
  // DrillRecorded itself moves to schema 2, compare against a schema-1 encoder instead.)
  const std::string bytes = read_file(kFixture);
  std::string fresh;
  encode_envelope(fixture_event(),
                  CommitStamp{Position(1), StreamVersion(1), testing::at("2026-06-12T08:30:05Z"), {}},
                  &fresh);
  EXPECT_EQ(fresh, bytes);
}

}  // namespace
}  // namespace redline
