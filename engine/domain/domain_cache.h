// DomainCache: the write side's view of entity states, loaded from the store on first use
// and kept current by applying each decided event as it is staged, so commands in a group
// (and in commits still being written) see each other. It must only be cleared when
// nothing is staged or in flight (the submit loop does that). Not thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <absl/container/node_hash_map.h>

#include "engine/domain/directory.h"
#include "engine/domain/state.h"
#include "engine/event_store.h"

namespace redline {

class DomainCache {
 public:
  explicit DomainCache(const EventStore& store) : store_(store) {}

  Result<const UnitState*> unit(std::string_view id) { return load(units_, unit_stream(id)); }
  Result<const InstitutionState*> institution(std::string_view id) {
    return load(institutions_, institution_stream(id));
  }
  Result<const VolunteerState*> volunteer(std::string_view id) {
    return load(volunteers_, volunteer_stream(id));
  }
  Result<const CampaignState*> campaign(std::string_view id) {
    return load(campaigns_, campaign_stream(id));
  }
  Result<const InspectionState*> inspection(std::string_view id) {
    return load(inspections_, inspection_stream(id));
  }
  Result<const ReportState*> report(std::string_view id) {
    return load(reports_, report_stream(id));
  }
  Result<const HazardState*> hazard(std::string_view id) {
    return load(hazards_, hazard_stream(id));
  }
  Result<const SystemicState*> systemic(std::string_view county, Category category) {
    return load(systemics_, systemic_stream(county, category));
  }
  // Every report of `category` in `county` (directory.h), counting those staged or still
  // being written, in (occurred_at, hazard_id) order.
  Result<const std::vector<CategoryReport>*> category_reports(const std::string& county,
                                                              Category category);

  // Loads what apply() will change for this event, so that apply() needs no read.
  Status preload(const NewEvent& event);
  // Folds a staged event, at `position`, into the cached state of its stream (loading it
  // first if needed).
  Status apply(const NewEvent& event, Position position);

  // The county's registered institutions (all counties' when county is empty), counting
  // registrations staged or still being written, sorted. Valid until the next call or
  // until the cache is cleared.
  Result<const std::vector<std::string>*> institutions_in(const std::optional<std::string>& county);

  std::size_t size() const;
  void clear();
  // Drops the entities no command is likely to touch again (closed or dismissed hazards,
  // published reports, completed inspections); if that is not enough to get under
  // `limit`, drops what was not used since the previous such trim. Same precondition as
  // clear().
  void trim(std::size_t limit);

 private:
  // Two generations, an approximate least-recently-used order: a state used since the last
  // rotation lives in `current`; a rotation drops `previous` and demotes `current`. A state
  // found in `previous` moves back to `current` (node moves keep its address). Clearing
  // everything instead made every hot institution reload its whole stream. Abseil's node
  // map: Swiss-table lookups (a tag byte compared before any key) with stable addresses.
  template <class State>
  struct Table {
    using Map = absl::node_hash_map<std::string, State, internal::StringHash, std::equal_to<>>;
    Map current;
    Map previous;
    // The state found last: one command asks for the same entity several times (handler,
    // rules, staging, fold), and a lookup in a table of 400,000 states misses the CPU cache.
    std::string last_stream;
    State* last_state = nullptr;

    State* find(const std::string& stream);
    State* remember(const std::string& stream, State* state) {
      last_stream = stream;
      last_state = state;
      return state;
    }
    std::size_t size() const { return current.size() + previous.size(); }
    void rotate() {
      previous = std::move(current);
      current.clear();
      last_state = nullptr;  // now in `previous`: the next use must move it back
    }
    void clear() {
      current.clear();
      previous.clear();
      last_state = nullptr;
    }
    template <class Finished>
    void erase_if(Finished finished) {
      absl::erase_if(current, [&](const auto& entry) { return finished(entry.second); });
      absl::erase_if(previous, [&](const auto& entry) { return finished(entry.second); });
      last_state = nullptr;
    }
  };

  template <class State>
  Result<const State*> load(Table<State>& table, const std::string& stream);
  template <class State>
  void fold(State& state, const EventFacts& facts);
  Status visit(const NewEvent& event, const Position* fold_at);

  const EventStore& store_;
  Table<UnitState> units_;
  Table<InstitutionState> institutions_;
  Table<VolunteerState> volunteers_;
  Table<CampaignState> campaigns_;
  Table<InspectionState> inspections_;
  Table<ReportState> reports_;
  Table<HazardState> hazards_;
  Table<SystemicState> systemics_;
  // Reports by (county, category), loaded whole on first use (a preload, so before any of
  // its reports can be in flight) and kept current by apply().
  std::map<std::pair<std::string, Category>, std::vector<CategoryReport>> category_reports_;
  std::size_t category_report_count_ = 0;
  // Registered institutions per county, sorted: loaded from the directory on first use
  // and kept current by apply(). Registrations of counties not loaded yet wait in
  // pending_institutions_ until the county is loaded.
  std::map<std::string, std::vector<std::string>> county_institutions_;
  std::map<std::string, std::set<std::string>> pending_institutions_;
  std::vector<std::string> all_institutions_;  // the last city-wide answer
};

}  // namespace redline
