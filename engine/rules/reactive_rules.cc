#include "engine/rules/reactive_rules.h"

#include <algorithm>
#include <map>
#include <set>

#include "engine/rules/rule_ids.h"
#include "events/time.h"

namespace redline {

NewEvent rule_event(std::string stream, Event data, Timestamp occurred_at, std::string_view rule,
                    Position caused_by) {
  return NewEvent{std::move(stream), std::move(data), occurred_at, Actor::rules(), std::nullopt,
                  caused_by,         std::string(rule)};
}

namespace {


Timestamp days_after(Timestamp at, std::int32_t days) {
  return Timestamp(at.value() + std::int64_t{days} * kMillisPerDay);
}

// The hazards and systemic streams as the events so far leave them, without touching the
// cache's own states (a rejected append must leave the cache as it was).
class Scratch {
 public:
  Scratch(DomainCache& cache) : cache_(cache) {}

  Result<HazardState*> hazard(const std::string& stream) {
    auto found = hazards_.find(stream);
    if (found != hazards_.end()) return &found->second;
    const HazardState* cached;
    REDLINE_ASSIGN(cached, cache_.hazard(std::string_view(stream).substr(kHazardStreamPrefix.size())));
    return &hazards_.emplace(stream, *cached).first->second;
  }

  // Reports of this decision so far, by (county, category).
  std::vector<CategoryReport>& new_reports(const std::string& county, Category category) {
    return new_reports_[{county, category}];
  }
  std::set<std::pair<std::string, Category>>& identified() { return identified_; }

 private:
  DomainCache& cache_;
  std::map<std::string, HazardState> hazards_;
  std::map<std::pair<std::string, Category>, std::vector<CategoryReport>> new_reports_;
  std::set<std::pair<std::string, Category>> identified_;
};

// systemic: the report at `position` makes `threshold` distinct institutions of its county
// report its category within the window, and the pair was not identified within the window.
Status systemic(const NewEvent& event, const HazardReported& reported, Position position,
                DomainCache& cache, const RulesConfig& rules, Scratch& scratch,
                std::vector<NewEvent>* out) {
  auto& mine = scratch.new_reports(reported.county, reported.category);
  mine.push_back({event.occurred_at, reported.hazard_id, reported.institution_id});
  const auto pair = std::make_pair(reported.county, reported.category);
  if (scratch.identified().count(pair) > 0) return Status::Ok();

  const std::int64_t window = std::int64_t{rules.systemic_window_days} * kMillisPerDay;
  const Timestamp at = event.occurred_at;
  const SystemicState* state;
  REDLINE_ASSIGN(state, cache.systemic(reported.county, reported.category));
  for (Timestamp earlier : state->identified_at) {
    if (std::abs(earlier.value() - at.value()) < window) return Status::Ok();
  }

  // Reports in (at - window, at]: the stored ones and this decision's.
  const std::vector<CategoryReport>* stored;
  REDLINE_ASSIGN(stored, cache.category_reports(reported.county, reported.category));
  const CategoryReport from{Timestamp(at.value() - window), "\xff", ""};
  std::vector<const CategoryReport*> in_window;
  for (auto it = std::upper_bound(stored->begin(), stored->end(), from);
       it != stored->end() && it->occurred_at <= at; ++it) {
    in_window.push_back(&*it);
  }
  for (const CategoryReport& report : mine) {
    if (report.occurred_at > from.occurred_at && report.occurred_at <= at) {
      in_window.push_back(&report);
    }
  }
  std::set<std::string> institutions;
  std::set<std::string> hazards;
  for (const CategoryReport* report : in_window) {
    institutions.insert(report->institution_id);
    hazards.insert(report->hazard_id);
  }
  if (institutions.size() < static_cast<std::size_t>(rules.systemic_threshold)) {
    return Status::Ok();
  }
  scratch.identified().insert(pair);
  SystemicHazardIdentified identified;
  identified.county = reported.county;
  identified.category = reported.category;
  identified.institutions.assign(institutions.begin(), institutions.end());
  identified.hazards.assign(hazards.begin(), hazards.end());
  out->push_back(rule_event(systemic_stream(reported.county, reported.category),
                            std::move(identified), at, rules::kSystemic, position));
  return Status::Ok();
}

// The hazard rules an event triggers, given the hazard's state after it.
void hazard_rules(const NewEvent& event, const HazardState& hazard, Position position,
                  const RulesConfig& rules, std::vector<NewEvent>* out) {
  const Timestamp at = event.occurred_at;
  auto emit = [&](Event data, std::string_view rule) {
    out->push_back(rule_event(event.stream, std::move(data), at, rule, position));
  };
  if (const auto* classified = std::get_if<HazardClassified>(&event.data)) {
    if (classified->severity == Severity::general) {
      emit(DeadlineSet{DeadlineKind::rectification, days_after(at, rules.general_rectification_days)},
           rules::kGeneralDeadline);
      return;
    }
    emit(DeadlineSet{DeadlineKind::plan, days_after(at, rules.major_plan_days)},
         rules::kMajorPlanDeadline);
    // The rectification limit, written down so that replaying never needs today's config.
    emit(DeadlineSet{DeadlineKind::rectification, days_after(at, rules.major_rectification_days)},
         rules::kMajorPlanDeadline);
    const ListingLevel level = rules.major_listing_level;
    if (!hazard.listed || *hazard.listed < level) {
      emit(HazardListed{level,
                        level == ListingLevel::city ? "city_bureau" : "county_bureau",
                        "major_hazard"},
           rules::kMajorListing);
    }
  } else if (const auto* planned = std::get_if<RectificationPlanned>(&event.data)) {
    emit(DeadlineSet{DeadlineKind::rectification, planned->deadline}, rules::kPlanDeadline);
  } else if (const auto* assistance = std::get_if<AssistanceRequested>(&event.data)) {
    emit(ReferredToGovernment{assistance->reason}, rules::kAssistanceReferral);
  }
}

}  // namespace

Result<std::vector<NewEvent>> with_reactive_rules(std::vector<NewEvent> decision,
                                                  DomainCache& cache, const RulesConfig& rules,
                                                  Position first_position) {
  std::vector<NewEvent> out;
  out.reserve(decision.size() + 3);
  Scratch scratch(cache);
  std::vector<NewEvent> triggered;
  for (NewEvent& event : decision) {
    const Position position(first_position.value() + out.size());
    out.push_back(std::move(event));
    const NewEvent& placed = out.back();
    triggered.clear();
    if (placed.stream.starts_with(kHazardStreamPrefix)) {
      HazardState* hazard;
      REDLINE_ASSIGN(hazard, scratch.hazard(placed.stream));
      apply(*hazard, facts_of(placed, position));
      hazard_rules(placed, *hazard, position, rules, &triggered);
      if (const auto* reported = std::get_if<HazardReported>(&placed.data)) {
        REDLINE_RETURN_IF_ERROR(
            systemic(placed, *reported, position, cache, rules, scratch, &triggered));
      }
    }
    for (NewEvent& consequence : triggered) {
      const Position at(first_position.value() + out.size());
      if (consequence.stream.starts_with(kHazardStreamPrefix)) {
        HazardState* hazard;
        REDLINE_ASSIGN(hazard, scratch.hazard(consequence.stream));
        apply(*hazard, facts_of(consequence, at));
      }
      out.push_back(std::move(consequence));
    }
  }
  return out;
}

}  // namespace redline
