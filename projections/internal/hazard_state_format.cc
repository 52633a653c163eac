#include "projections/internal/hazard_state_format.h"

#include <cstring>
#include <type_traits>

namespace redline {
namespace {

// Every field a fixed size, no padding (so the bytes written are exactly the values).
struct PackedFields {
  std::int64_t classified_at;
  std::int64_t rectification_limit;
  std::int64_t plan_deadline;
  std::int64_t rectification_deadline;
  std::int64_t deadline_armed_at;
  std::int64_t submitted_at;
  std::int64_t missed_at;
  std::int64_t updated_at;
  std::uint64_t deadline_armed_by;
  std::uint64_t submitted_position;
  std::uint64_t missed_position;
  std::uint32_t reopen_count;
  std::uint32_t overdue_escalations;
  std::uint16_t flags;  // the Flag bits, the rest zero
  std::uint8_t category;
  std::uint8_t phase;
  std::uint8_t severity;  // kAbsent: none
  std::uint8_t listed;    // kAbsent: none
  std::uint8_t escalation;
  std::uint8_t reserved;  // zero
};
static_assert(std::is_trivially_copyable_v<PackedFields>);
static_assert(std::has_unique_object_representations_v<PackedFields>, "no padding");
static_assert(sizeof(PackedFields) == 104);

constexpr std::uint8_t kAbsent = 0xFF;

enum Flag : std::uint16_t {
  kExists = 1 << 0,
  kHasPlan = 1 << 1,
  kLimitSet = 1 << 2,
  kPlanDeadlineSet = 1 << 3,
  kRectificationDeadlineSet = 1 << 4,
  kSubmittedAtSet = 1 << 5,
  kVerificationOverdue = 1 << 6,
  kOverdue = 1 << 7,
  kEverOverdue = 1 << 8,
  kAllFlags = (1 << 9) - 1,
};

template <class E>
std::uint8_t byte_of(E value) {
  return static_cast<std::uint8_t>(value);
}

template <class E>
E enum_of(std::uint8_t byte, const char* field) {
  if (byte >= enum_spellings<E>().size()) {
    throw cereal::Exception(std::string("hazard state field ") + field + " holds " +
                            std::to_string(byte) + ", not one of its values");
  }
  return static_cast<E>(byte);
}

std::int64_t time_or_zero(const std::optional<Timestamp>& time) {
  return time ? time->value() : 0;
}

}  // namespace

void append_state_bytes(const HazardState& s, std::string* bytes) {
  PackedFields p;
  std::memset(&p, 0, sizeof p);
  p.classified_at = s.classified_at.value();
  p.rectification_limit = time_or_zero(s.rectification_limit);
  p.plan_deadline = time_or_zero(s.plan_deadline);
  p.rectification_deadline = time_or_zero(s.rectification_deadline);
  p.deadline_armed_at = s.deadline_armed_at.value();
  p.submitted_at = time_or_zero(s.submitted_at);
  p.missed_at = s.missed_at.value();
  p.updated_at = s.updated_at.value();
  p.deadline_armed_by = s.deadline_armed_by.value();
  p.submitted_position = s.submitted_position.value();
  p.missed_position = s.missed_position.value();
  p.reopen_count = s.reopen_count;
  p.overdue_escalations = s.overdue_escalations;
  p.category = byte_of(s.category);
  p.phase = byte_of(s.phase);
  p.severity = s.severity ? byte_of(*s.severity) : kAbsent;
  p.listed = s.listed ? byte_of(*s.listed) : kAbsent;
  p.escalation = byte_of(s.escalation);
  p.flags = static_cast<std::uint16_t>(
      (s.exists ? kExists : 0) | (s.has_plan ? kHasPlan : 0) |
      (s.rectification_limit ? kLimitSet : 0) | (s.plan_deadline ? kPlanDeadlineSet : 0) |
      (s.rectification_deadline ? kRectificationDeadlineSet : 0) |
      (s.submitted_at ? kSubmittedAtSet : 0) | (s.verification_overdue ? kVerificationOverdue : 0) |
      (s.overdue ? kOverdue : 0) | (s.ever_overdue ? kEverOverdue : 0));
  append_sized(s.institution_id, bytes);
  append_sized(s.county, bytes);
  append_optional_string(s.submitted_by, bytes);
  bytes->append(reinterpret_cast<const char*>(&p), sizeof p);
}

void read_state_bytes(BoundedReader& reader, HazardState& s) {
  reader.loadStringInto(s.institution_id);
  reader.loadStringInto(s.county);
  reader.loadOptionalStringInto(s.submitted_by);
  PackedFields p;
  reader.loadBinary(&p, sizeof p);
  if ((p.flags & ~kAllFlags) != 0 || p.reserved != 0) {
    throw cereal::Exception("hazard state has unknown flags set");
  }
  auto time_if = [&](std::uint16_t flag, std::int64_t value) -> std::optional<Timestamp> {
    if ((p.flags & flag) == 0) return std::nullopt;
    return Timestamp(value);
  };
  s.exists = (p.flags & kExists) != 0;
  s.category = enum_of<Category>(p.category, "category");
  s.phase = enum_of<HazardPhase>(p.phase, "phase");
  s.severity = p.severity == kAbsent ? std::nullopt
                                     : std::optional(enum_of<Severity>(p.severity, "severity"));
  s.classified_at = Timestamp(p.classified_at);
  s.listed = p.listed == kAbsent ? std::nullopt
                                 : std::optional(enum_of<ListingLevel>(p.listed, "listed"));
  s.escalation = enum_of<EscalationLevel>(p.escalation, "escalation");
  s.has_plan = (p.flags & kHasPlan) != 0;
  s.rectification_limit = time_if(kLimitSet, p.rectification_limit);
  s.plan_deadline = time_if(kPlanDeadlineSet, p.plan_deadline);
  s.rectification_deadline = time_if(kRectificationDeadlineSet, p.rectification_deadline);
  s.deadline_armed_at = Timestamp(p.deadline_armed_at);
  s.deadline_armed_by = Position(p.deadline_armed_by);
  s.submitted_at = time_if(kSubmittedAtSet, p.submitted_at);
  s.submitted_position = Position(p.submitted_position);
  s.verification_overdue = (p.flags & kVerificationOverdue) != 0;
  s.reopen_count = p.reopen_count;
  s.overdue = (p.flags & kOverdue) != 0;
  s.ever_overdue = (p.flags & kEverOverdue) != 0;
  s.missed_at = Timestamp(p.missed_at);
  s.missed_position = Position(p.missed_position);
  s.overdue_escalations = p.overdue_escalations;
  s.updated_at = Timestamp(p.updated_at);
}

}  // namespace redline
