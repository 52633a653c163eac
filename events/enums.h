// The closed vocabularies of the spec (kinds, categories, severities, roles…) as C++ enums,
// with their exact spec spellings. Stored as one byte (cereal), rendered as the spelling
// (JSON). REDLINE_ENUM derives the spellings from the enumerator list itself, so a name is
// written once. A trailing '_' is dropped (`public_` spells "public"). Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline {

namespace internal {
// Splits "a, b, c_" into {"a", "b", "c"}; runs once per enum type.
std::vector<std::string_view> split_enum_spellings(std::string_view list);
}  // namespace internal

template <class E>
struct EnumTraits;  // specialised by REDLINE_ENUM

template <class E>
concept RedlineEnum = requires { EnumTraits<E>::kSpelled; };

template <RedlineEnum E>
const std::vector<std::string_view>& enum_spellings() {
  static const std::vector<std::string_view> spellings =
      internal::split_enum_spellings(EnumTraits<E>::kSpelled);
  return spellings;
}

template <RedlineEnum E>
bool is_valid(E value) {
  return static_cast<std::size_t>(value) < enum_spellings<E>().size();
}

// The spec spelling; "?" for a value outside the enum (only from corrupted bytes).
template <RedlineEnum E>
std::string_view to_string(E value) {
  const auto& spellings = enum_spellings<E>();
  const auto index = static_cast<std::size_t>(value);
  return index < spellings.size() ? spellings[index] : std::string_view("?");
}

template <RedlineEnum E>
std::optional<E> parse_enum(std::string_view text) {
  const auto& spellings = enum_spellings<E>();
  for (std::size_t i = 0; i < spellings.size(); ++i) {
    if (spellings[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

// "a, b, c": for error messages such as "category 'banana' is not one of …".
template <RedlineEnum E>
std::string enum_choices() {
  std::string out;
  for (auto spelling : enum_spellings<E>()) {
    if (!out.empty()) out += ", ";
    out += spelling;
  }
  return out;
}

}  // namespace redline

#define REDLINE_ENUM(Name, ...)                               \
  enum class Name : std::uint8_t { __VA_ARGS__ };             \
  template <>                                                 \
  struct EnumTraits<Name> {                                   \
    static constexpr std::string_view kSpelled = #__VA_ARGS__; \
  }

namespace redline {

REDLINE_ENUM(UnitKind, county_bureau, department, direct_unit);
REDLINE_ENUM(InstitutionKind, elderly_care, welfare_home, nursing_home, honor_home,
             relief_station, funeral_home, retiree_center, relief_warehouse, cemetery);
REDLINE_ENUM(VolunteerKind, family, volunteer, journalist);
REDLINE_ENUM(DrillKind, fire_drill, fire_training, evacuation_drill, flood_drill, safety_lecture);
REDLINE_ENUM(Instructor, firefighter, expert, internal);
REDLINE_ENUM(InspectionMode, self, spot_check, joint, unannounced, revisit);
REDLINE_ENUM(Category, fire_safety, electrical, building, gas, emergency_plan, training,
             responsibility, flood_control, duty_roster, emergency_supplies, food_safety, other);
REDLINE_ENUM(HazardSource, self_inspection, spot_check, joint_inspection, unannounced_inspection,
             revisit, public_report);
REDLINE_ENUM(Severity, general, major);
REDLINE_ENUM(DeadlineKind, plan, rectification);
REDLINE_ENUM(ListingLevel, county, city);
REDLINE_ENUM(EscalationLevel, institution, county, city, government);
REDLINE_ENUM(ObligationKind, liaison_list, summary, drill, responsibility_letter);
REDLINE_ENUM(ReportChannel, email, wechat, web);
REDLINE_ENUM(TriageDecision, accept, duplicate, reject);
REDLINE_ENUM(MediaFormat, jpg, png, psd, mp4, mpg, avi, mts);
REDLINE_ENUM(Role, institution_staff, inspector, county_bureau, city_bureau, public_, auditor,
             analyst, system);

}  // namespace redline
