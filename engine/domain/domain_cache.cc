#include "engine/domain/domain_cache.h"

#include <algorithm>

#include "engine/domain/directory.h"

namespace redline {

template <class State>
void DomainCache::fold(State& state, const EventFacts& facts) {
  if constexpr (std::is_same_v<State, HazardState>) {
    redline::apply(state, facts, rules_);
  } else {
    redline::apply(state, facts);
  }
}

template <class State>
State* DomainCache::Table<State>::find(const std::string& stream) {
  auto found = current.find(stream);
  if (found != current.end()) return &found->second;
  auto old = previous.find(stream);
  if (old == previous.end()) return nullptr;
  return &current.insert(previous.extract(old)).position->second;
}

template <class State>
Result<const State*> DomainCache::load(Table<State>& table, const std::string& stream) {
  if (State* found = table.find(stream)) return found;
  State state;
  auto positions = store_.stream_positions(stream);
  if (!positions.ok()) return positions.status();
  for (Position position : *positions) {
    auto envelope = store_.read(position);
    if (!envelope.ok()) return envelope.status();
    fold(state, facts_of(*envelope));
  }
  return &table.current.emplace(stream, std::move(state)).first->second;
}

Status DomainCache::preload(const NewEvent& event) { return visit(event, /*fold_it=*/false); }

Status DomainCache::apply(const NewEvent& event) {
  if (const auto* registered = std::get_if<InstitutionRegistered>(&event.data)) {
    auto loaded = county_institutions_.find(registered->county);
    if (loaded != county_institutions_.end()) {
      auto& ids = loaded->second;
      auto at = std::lower_bound(ids.begin(), ids.end(), registered->institution_id);
      if (at == ids.end() || *at != registered->institution_id) ids.insert(at, registered->institution_id);
    } else {
      pending_institutions_[registered->county].insert(registered->institution_id);
    }
  }
  return visit(event, /*fold_it=*/true);
}

Result<const std::vector<std::string>*> DomainCache::institutions_in(
    const std::optional<std::string>& county) {
  if (county) {
    auto loaded = county_institutions_.find(*county);
    if (loaded == county_institutions_.end()) {
      auto stored = registered_institutions(store_, county);
      if (!stored.ok()) return stored.status();
      std::set<std::string> ids(stored->begin(), stored->end());
      auto pending = pending_institutions_.find(*county);
      if (pending != pending_institutions_.end()) {
        ids.insert(pending->second.begin(), pending->second.end());
        pending_institutions_.erase(pending);
      }
      loaded = county_institutions_.emplace(*county, std::vector<std::string>(ids.begin(), ids.end())).first;
    }
    return &loaded->second;
  }
  // Every county: rare (a city-wide draw), so read the directory afresh.
  auto stored = registered_institutions(store_, county);
  if (!stored.ok()) return stored.status();
  std::set<std::string> ids(stored->begin(), stored->end());
  for (const auto& [pending_county, pending] : pending_institutions_) {
    ids.insert(pending.begin(), pending.end());
  }
  for (const auto& [loaded_county, loaded] : county_institutions_) {
    ids.insert(loaded.begin(), loaded.end());
  }
  all_institutions_.assign(ids.begin(), ids.end());
  return &all_institutions_;
}

Status DomainCache::visit(const NewEvent& event, bool fold_it) {
  const std::string& stream = event.stream;
  auto update = [&](auto& table) -> Status {
    auto loaded = load(table, stream);
    if (!loaded.ok()) return loaded.status();
    if (fold_it) fold(*table.find(stream), facts_of(event));
    return Status::Ok();
  };
  if (stream.starts_with("hazard-")) return update(hazards_);
  if (stream.starts_with("institution-")) return update(institutions_);
  if (stream.starts_with("unit-")) return update(units_);
  if (stream.starts_with("inspection-")) return update(inspections_);
  if (stream.starts_with("report-")) return update(reports_);
  if (stream.starts_with("campaign-")) return update(campaigns_);
  if (stream.starts_with("volunteer-")) return update(volunteers_);
  return Status::Ok();  // streams without write-side state (systemic-…)
}

std::size_t DomainCache::size() const {
  return units_.size() + institutions_.size() + volunteers_.size() + campaigns_.size() +
         inspections_.size() + reports_.size() + hazards_.size();
}

void DomainCache::trim(std::size_t limit) {
  hazards_.erase_if([](const HazardState& hazard) {
    return hazard.phase == HazardPhase::closed || hazard.phase == HazardPhase::dismissed;
  });
  reports_.erase_if([](const ReportState& report) { return report.published; });
  inspections_.erase_if([](const InspectionState& inspection) { return inspection.completed; });
  if (size() <= limit) return;
  units_.rotate();
  institutions_.rotate();
  volunteers_.rotate();
  campaigns_.rotate();
  inspections_.rotate();
  reports_.rotate();
  hazards_.rotate();
}

void DomainCache::clear() {
  county_institutions_.clear();
  all_institutions_.clear();
  pending_institutions_.clear();
  units_.clear();
  institutions_.clear();
  volunteers_.clear();
  campaigns_.clear();
  inspections_.clear();
  reports_.clear();
  hazards_.clear();
}

}  // namespace redline
