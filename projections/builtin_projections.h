// The built-in projections of SPEC §5 and how their stored values read:
// - hazard_status: key "h/ID" → the hazard's HazardState; plus the history snapshots that
//   answer --as-of/--known-at/--position reads (hazard_history.h);
// - supervision_board: key "l/ID" → the listing level of each listed hazard;
// - institution_scorecard: key "i/INSTITUTION" → Scorecard;
// - county_summary: key "c/COUNTY" → CountySummary.
// Values are cereal binary; decode them with the functions below. Thread-safe (pure).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "engine/domain/state.h"
#include "projections/projection.h"

namespace redline {

inline constexpr std::string_view kHazardStatus = "hazard_status";
inline constexpr std::string_view kSupervisionBoard = "supervision_board";
inline constexpr std::string_view kInstitutionScorecard = "institution_scorecard";
inline constexpr std::string_view kCountySummary = "county_summary";
// The key of a hazard's state in hazard_status (and the hazard folds of the others): this
// prefix, then the hazard id.
inline constexpr std::string_view kHazardStateKeyPrefix = "h/";

struct Scorecard {
  std::int64_t open = 0;
  std::int64_t overdue = 0;  // open and overdue now
  std::int64_t closed = 0;
  std::int64_t drills = 0;
  std::int64_t letters = 0;  // responsibility letters addressed to it
  std::int64_t obligations_missed = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(open, overdue, closed, drills, letters, obligations_missed);
  }
};

struct CountySummary {
  std::map<std::string, std::int64_t> by_state;
  std::map<std::string, std::int64_t> by_severity;  // general | major | unclassified
  std::map<std::string, std::int64_t> by_category;
  std::int64_t hazards = 0;
  std::int64_t dismissed = 0;
  std::int64_t closed = 0;
  std::int64_t closed_on_time = 0;  // closed without ever missing a deadline

  // closed / (hazards - dismissed); null when there is nothing to rectify.
  std::optional<double> rectification_rate() const;
  // closed_on_time / closed; null when nothing is closed.
  std::optional<double> on_time_rate() const;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(by_state, by_severity, by_category, hazards, dismissed, closed, closed_on_time);
  }
};

Result<HazardState> decode_hazard_state(std::string_view bytes);
// The same into `*state` (every field overwritten).
Status decode_hazard_state_into(std::string_view bytes, HazardState* state);
Result<Scorecard> decode_scorecard(std::string_view bytes);
Result<CountySummary> decode_county_summary(std::string_view bytes);
std::string encode_hazard_state(const HazardState& state);

std::unique_ptr<Projection> make_hazard_status_projection(const ProjectionSettings& settings);
std::unique_ptr<Projection> make_supervision_board_projection(const ProjectionSettings& settings);
std::unique_ptr<Projection> make_institution_scorecard_projection(const ProjectionSettings& settings);
std::unique_ptr<Projection> make_county_summary_projection(const ProjectionSettings& settings);

}  // namespace redline
