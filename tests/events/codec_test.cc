#include "events/codec.h"

#include <gtest/gtest.h>

#include <set>

#include "events/json.h"
#include "tests/support/sample_events.h"

namespace redline {
namespace {

using testing::at;
using testing::new_event;

std::string encode(const NewEvent& event, Position position, Hash prev = {}) {
  std::string bytes;
  encode_envelope(event, CommitStamp{position, StreamVersion(3), at("2026-06-03T09:00:01.250Z"), prev},
                  &bytes);
  return bytes;
}

TEST(Codec, FindsEachEventTypeByNameAndNothingElse) {
  for (const auto& data : testing::one_of_every_type()) {
    const std::string_view name = event_type_name(data);
    EXPECT_EQ(event_type_index(name), std::optional<std::size_t>(data.index())) << name;
    EXPECT_EQ(event_type_index(std::string(name) + "s"), std::nullopt) << name;
    EXPECT_EQ(event_type_index(name.substr(0, name.size() - 1)), std::nullopt) << name;
    std::string other_case(name);
    other_case[0] = static_cast<char>(other_case[0] + ('a' - 'A'));
    EXPECT_EQ(event_type_index(other_case), std::nullopt) << name;
  }
  EXPECT_EQ(event_type_index(""), std::nullopt);
  EXPECT_EQ(event_type_index(std::string(500, 'H')), std::nullopt);
}

TEST(Codec, EveryEventTypeRoundTripsThroughBytesAndJson) {
  const auto events = testing::one_of_every_type();
  std::set<std::string> types;
  for (const auto& data : events) types.insert(std::string(event_type_name(data)));
  EXPECT_EQ(types.size(), std::variant_size_v<Event>) << "one_of_every_type misses a type";

  Position position(1);
  for (const auto& data : events) {
    NewEvent event = new_event("hazard-H-1", data);
    const std::string bytes = encode(event, position);
    auto decoded = decode_envelope(bytes);
    ASSERT_TRUE(decoded.ok()) << event_type_name(data) << ": " << decoded.status().to_string();
    EXPECT_EQ(decoded->type(), event_type_name(data));
    // Same bytes again: the codec is deterministic and lossless.
    NewEvent again = new_event(decoded->stream, decoded->data);
    EXPECT_EQ(encode(again, position), bytes) << event_type_name(data);
    EXPECT_EQ(event_data_to_json(decoded->data), event_data_to_json(data));
    position = position.next();
  }
}

TEST(Codec, EnvelopeFieldsSurvive) {
  NewEvent event = new_event("hazard-H-1", HazardListed{ListingLevel::city, "city_bureau",
                                                        "major_hazard"});
  event.actor = Actor::rules();
  event.command_id = "cmd-1";
  event.caused_by = Position(16);
  event.rule = "major-listing";
  Hash prev{};
  prev[0] = 0xAB;
  const std::string bytes = encode(event, Position(17), prev);
  auto e = decode_envelope(bytes);
  ASSERT_TRUE(e.ok()) << e.status().to_string();
  EXPECT_EQ(e->position, Position(17));
  EXPECT_EQ(e->stream, "hazard-H-1");
  EXPECT_EQ(e->version, StreamVersion(3));
  EXPECT_EQ(e->schema, 1u);
  EXPECT_EQ(e->occurred_at, at("2026-06-03T09:00:00Z"));
  EXPECT_EQ(e->recorded_at, at("2026-06-03T09:00:01.250Z"));
  EXPECT_EQ(e->actor, Actor::rules());
  EXPECT_EQ(e->command_id, "cmd-1");
  EXPECT_EQ(e->caused_by, Position(16));
  EXPECT_EQ(e->rule, "major-listing");
  EXPECT_EQ(e->prev_hash, prev);
  EXPECT_EQ(e->hash, compute_envelope_hash(bytes));
}

TEST(Codec, JsonRenderingHasExactlyTheEnvelopeKeysInSpecOrder) {
  NewEvent event = new_event("hazard-H-1", testing::hazard_reported("H-1"));
  auto e = decode_envelope(encode(event, Position(1)));
  ASSERT_TRUE(e.ok());
  const Json j = envelope_to_json(*e);
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"position", "stream", "version", "type", "schema",
                                            "occurred_at", "recorded_at", "actor", "command_id",
                                            "caused_by", "rule", "data", "prev_hash", "hash"}));
  EXPECT_EQ(j["type"], "HazardReported");
  EXPECT_EQ(j["occurred_at"], "2026-06-03T09:00:00Z");
  EXPECT_EQ(j["recorded_at"], "2026-06-03T09:00:01.250Z");
  EXPECT_EQ(j["actor"], Json({{"id", "insp-7"}, {"role", "inspector"}}));
  EXPECT_TRUE(j["command_id"].is_null());
  EXPECT_TRUE(j["caused_by"].is_null());
  EXPECT_EQ(j["prev_hash"], std::string(64, '0'));
  EXPECT_EQ(j["hash"], to_hex(e->hash));
  const Json& data = j["data"];
  EXPECT_EQ(data["hazard_id"], "H-1");
  EXPECT_EQ(data["category"], "fire_safety");
  EXPECT_EQ(data["source"], "spot_check");
  EXPECT_EQ(data["report_id"], nullptr);
  EXPECT_EQ(data["evidence"][0]["format"], "jpg");
  EXPECT_EQ(data.size(), 10u);
}

TEST(Codec, ChineseTextIsUnchangedInBytesAndJsonLines) {
  NewEvent event = new_event("hazard-H-1", testing::hazard_reported("H-1"));
  auto e = decode_envelope(encode(event, Position(1)));
  ASSERT_TRUE(e.ok());
  const auto& reported = std::get<HazardReported>(e->data);
  EXPECT_EQ(reported.description, "消防通道堵塞，灭火器过期（三楼东侧）");
  const std::string line = envelope_to_jsonl(*e);
  EXPECT_NE(line.find("消防通道堵塞，灭火器过期（三楼东侧）"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(Json::parse(line)["data"]["description"], reported.description);
}

TEST(Codec, EnumsRenderAsSpecSpellings) {
  EXPECT_EQ(to_string(Role::public_), "public");
  EXPECT_EQ(parse_enum<Role>("public"), Role::public_);
  EXPECT_EQ(parse_enum<Category>("banana"), std::nullopt);
  EXPECT_EQ(to_string(InstitutionKind::cemetery), "cemetery");
  EXPECT_EQ(enum_choices<Severity>(), "general, major");
}

// A replay decodes millions of events into one Envelope, whose strings and optionals are
// reused: each event must come out with its own header, nothing left from the one before.
TEST(Codec, OneEnvelopeDecodedIntoAgainHoldsEachEventsOwnHeader) {
  NewEvent with_all = new_event("hazard-H-1", HazardListed{ListingLevel::city, "city_bureau", "major_hazard"});
  with_all.actor = Actor::rules();
  with_all.command_id = "a-command-id-longer-than-fifteen-bytes";
  with_all.caused_by = Position(6);
  with_all.rule = "major-listing";
  NewEvent with_none = new_event("inst", testing::hazard_reported("H-22"));
  with_none.actor = Actor{"inspector-7", Role::inspector};
  NewEvent with_command = new_event("hazard-H-333", testing::hazard_reported("H-333"));
  with_command.command_id = "c";

  Envelope reused;
  Position position(7);
  for (const NewEvent* event : {&with_all, &with_none, &with_command, &with_all, &with_none}) {
    const std::string bytes = encode(*event, position);
    ASSERT_TRUE(decode_envelope_into(bytes, &reused).ok()) << position.value();
    EXPECT_EQ(reused.position, position);
    EXPECT_EQ(reused.stream, event->stream);
    EXPECT_EQ(reused.type(), event_type_name(event->data));
    EXPECT_EQ(reused.actor, event->actor);
    EXPECT_EQ(reused.command_id, event->command_id);
    EXPECT_EQ(reused.caused_by, event->caused_by);
    EXPECT_EQ(reused.rule, event->rule);
    EXPECT_EQ(event_data_to_json(reused.data), event_data_to_json(event->data));
    auto header = decode_header(bytes);
    ASSERT_TRUE(header.ok());
    EXPECT_EQ(header->type, event_type_name(event->data));
    EXPECT_EQ(header->command_id, event->command_id);
    EXPECT_EQ(header->rule, event->rule);
    position = position.next();
  }
}

// cereal writes an optional's flag as "nullopt" (1: absent); any other byte is damage.
TEST(Codec, AnOptionalsFlagOtherThanZeroOrOneIsCorruption) {
  NewEvent event = new_event("hazard-H-1", testing::hazard_reported("H-1"));
  event.command_id = "cmd-1";
  const std::string bytes = encode(event, Position(1));
  const std::size_t flag = bytes.find("cmd-1") - 8 - 1;  // before the string's u64 length
  ASSERT_EQ(bytes[flag], 0);
  std::string damaged = bytes;
  damaged[flag] = 2;
  auto decoded = decode_envelope(damaged);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), ErrorCode::corruption);
  EXPECT_NE(decoded.status().message().find("bool byte 2"), std::string::npos) << decoded.status().message();
}

TEST(Codec, DamagedBytesAreCorruptionNotACrash) {
  NewEvent event = new_event("hazard-H-1", testing::hazard_reported("H-1"));
  const std::string bytes = encode(event, Position(1));
  EXPECT_EQ(decode_envelope("").status().code(), ErrorCode::corruption);
  EXPECT_EQ(decode_envelope(bytes.substr(0, 50)).status().code(), ErrorCode::corruption);
  std::string wrong_format = bytes;
  wrong_format[0] = 9;
  EXPECT_EQ(decode_envelope(wrong_format).status().code(), ErrorCode::corruption);
  // Every truncation and every single-byte flip either decodes or fails cleanly.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto truncated = decode_envelope(std::string_view(bytes).substr(0, n));
    (void)truncated.ok();
    std::string flipped = bytes;
    flipped[n] = static_cast<char>(flipped[n] ^ 0x5A);
    auto result = decode_envelope(flipped);
    if (result.ok()) {
      EXPECT_FALSE(result->type().empty());
    }
  }
}

TEST(Codec, HashCoversEveryByteBeforeIt) {
  NewEvent event = new_event("hazard-H-1", testing::hazard_reported("H-1"));
  const std::string bytes = encode(event, Position(1));
  const Hash stored = read_chain_fields(bytes)->hash;
  EXPECT_EQ(compute_envelope_hash(bytes), stored);
  for (std::size_t n = 0; n + kHashSize < bytes.size(); ++n) {
    std::string altered = bytes;
    altered[n] = static_cast<char>(altered[n] ^ 1);
    EXPECT_NE(compute_envelope_hash(altered), stored) << n;
  }
}

}  // namespace
}  // namespace redline
