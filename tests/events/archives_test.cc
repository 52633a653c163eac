#include "events/archives.h"

#include <gtest/gtest.h>

#include <sstream>
#include <variant>

#include <cereal/archives/binary.hpp>

#include "events/event_types.h"
#include "events/json.h"
#include "tests/support/sample_events.h"

namespace redline {
namespace {

// Every event type in one archive: far more versioned types than the archives keep inline,
// and the nested ones (media items, liaisons, draws) met more than once.
template <class Archive>
void save_all(Archive& archive, const std::vector<Event>& events) {
  for (const auto& event : events) {
    std::visit([&archive](const auto& data) { archive(data); }, event);
  }
}

std::vector<Event> events_with_repeats() {
  std::vector<Event> events = testing::one_of_every_type();
  SummarySubmitted summary;
  summary.campaign_id = "C-1";
  summary.unit_id = "U-1";
  summary.text = "季度总结";
  summary.attachments = {{"a.jpg", MediaFormat::jpg, 800, 600}, {"b.png", MediaFormat::png, 1024, 768}};
  events.push_back(summary);
  events.push_back(summary);
  return events;
}

TEST(Archives, WriteTheBytesOfCerealsBinaryArchiveWithEachClassVersionOnce) {
  const auto events = events_with_repeats();
  std::ostringstream cereal_bytes;
  {
    cereal::BinaryOutputArchive archive(cereal_bytes);
    save_all(archive, events);
  }
  std::string ours;
  {
    StringOutputArchive archive(&ours);
    save_all(archive, events);
  }
  EXPECT_EQ(ours, cereal_bytes.str());
}

TEST(Archives, ReadCerealsBinaryBytesBackIntoEqualValues) {
  const auto events = events_with_repeats();
  std::ostringstream cereal_bytes;
  {
    cereal::BinaryOutputArchive archive(cereal_bytes);
    save_all(archive, events);
  }
  const std::string bytes = cereal_bytes.str();
  BoundedInputArchive archive(bytes);
  for (const auto& event : events) {
    Event loaded;
    emplace_default_event(loaded, event.index());
    std::visit([&archive](auto& data) { archive(data); }, loaded);
    EXPECT_EQ(event_data_to_json(loaded), event_data_to_json(event));
  }
  EXPECT_EQ(archive.remaining(), 0u);
}

struct VersionProbe {
  std::uint32_t seen = 0;
  std::uint8_t value = 0;
  template <class Archive>
  void serialize(Archive& archive, std::uint32_t const version) {
    seen = version;
    archive(value);
  }
};

// The version read is the one on the wire, kept for the archive's later values of the type.
TEST(Archives, HandTheVersionOnTheWireToTheTypeEachTime) {
  // A version of 7, then two values: cereal writes the version once only.
  std::string bytes;
  const std::uint32_t version = 7;
  bytes.append(reinterpret_cast<const char*>(&version), sizeof version);
  bytes.push_back('\x05');
  bytes.push_back('\x06');
  BoundedInputArchive archive(bytes);
  VersionProbe first, second;
  archive(first, second);
  EXPECT_EQ(first.seen, 7u);
  EXPECT_EQ(second.seen, 7u);
  EXPECT_EQ(first.value, 5);
  EXPECT_EQ(second.value, 6);
  EXPECT_EQ(archive.remaining(), 0u);
}

}  // namespace
}  // namespace redline
