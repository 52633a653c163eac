// The city simulator's model (internal to tools/simulator): the names it draws from, the
// entities it moves through their lifecycles, and what the deadline rules would make of a
// hazard when `redline tick` runs after each simulated day (tools/run_month.sh). Plain data
// and pure functions; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/enums.h"
#include "events/strong_types.h"
#include "events/time.h"

namespace redline::simulation {

using Json = nlohmann::ordered_json;
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = kMillisPerDay;

const char* const kCountyNames[] = {"临桂区", "秀峰区", "叠彩区", "象山区", "七星区", "雁山区",
                                    "阳朔县", "灵川县", "全州县", "兴安县", "永福县", "灌阳县"};
const char* const kKindNames[] = {"养老院", "福利院", "敬老院", "光荣院", "救助管理站",
                                  "殡仪馆", "军休所", "救灾物资储备库", "公墓"};
const char* const kFindings[] = {
    "灭火器过期未更换", "消防通道堆放杂物", "电线私拉乱接", "厨房燃气管道老化",
    "应急照明损坏", "安全出口指示灯不亮", "值班记录缺失", "应急预案未更新",
    "员工未参加消防培训", "防汛物资不足", "墙体出现裂缝", "食品留样不规范"};

struct Institution {
  std::string id;
  int county = 0;
};

struct County {
  std::string id;  // "C01"
  std::string unit;
  std::vector<int> institutions;  // indexes, sorted by id
  std::vector<std::string> institution_ids;  // sorted
  std::vector<std::string> inspectors;
};

// One hazard moving through its lifecycle.
struct HazardSim {
  std::string id;
  int institution = 0;
  bool major = false;
  Timestamp classified_at;
  int verifications_failed = 0;
  bool has_plan = false;
  // Where it is listed: at city level by the major-listing rule when classified major, at
  // county level by its bureau (a general hazard, Step::list). Delisted at the same level.
  std::optional<ListingLevel> listed;
  // What the deadline rules (SPEC §4) would make of a general hazard if the stream were
  // ticked at the end of every day (tools/run_month.sh): its active rectification deadline,
  // the instant deadline-missed is due (the deadline, or the failed verification that
  // reopened it past the deadline), and the escalation it would have reached. The stream
  // keeps that escalation below city, where the deadline rules would list it at city level
  // and neither the county's delisting nor the closing could follow.
  Timestamp deadline;
  Timestamp due;
  EscalationLevel escalation = EscalationLevel::institution;
};

enum class Step : std::uint8_t {
  classify, plan, progress, assistance, extend, extend_plan, list, submit, verify, delist,
  close, triage, publish,
};

struct Action {
  Timestamp at;
  std::uint64_t sequence = 0;
  Step step = Step::classify;
  std::size_t subject = 0;  // hazard or report index
  bool operator>(const Action& other) const {
    return at != other.at ? at > other.at : sequence > other.sequence;
  }
};

struct Report {
  std::string id;
  int institution = -1;  // -1: names no institution
};


// The deadline rules under daily ticks.
//
// `redline tick --now <day+1>T00:00:00Z` runs after each day's commands. An open hazard
// whose deadline-missed is due at `due` misses it at the first midnight at or after `due`
// unless it is submitted before that midnight, and climbs one more rung (still-overdue)
// at each further 7 days' midnight it is still open.

inline Timestamp next_midnight(Timestamp t) {
  return Timestamp((t.value() + kDay - 1) / kDay * kDay);
}

// The rungs a hazard open since before `due` climbs until it is submitted at `submitted`.
inline int rungs_climbed(Timestamp due, Timestamp submitted) {
  const Timestamp missed = next_midnight(due);
  if (submitted < missed) return 0;
  return 1 + static_cast<int>((submitted.value() - missed.value()) / (7 * kDay));
}

// Submitting before this instant climbs at most `rungs` rungs from `due`: 0, before the
// miss; 1, a day short of the first still-overdue step.
inline Timestamp submit_before(Timestamp due, int rungs) {
  return Timestamp(next_midnight(due).value() + (rungs > 0 ? 6 * kDay : 0));
}

// The rungs a general hazard may still climb and stay below city.
inline int rungs_left(const HazardSim& h) {
  return static_cast<int>(EscalationLevel::county) - static_cast<int>(h.escalation);
}

}  // namespace redline::simulation
