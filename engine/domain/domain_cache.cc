#include "engine/domain/domain_cache.h"

#include <algorithm>

#include "engine/domain/directory.h"

namespace redline {

template <class State>
void DomainCache::fold(State& state, const EventFacts& facts) {
  redline::apply(state, facts);
}

template <class State>
State* DomainCache::Table<State>::find(const std::string& stream) {
  if (last_state != nullptr && last_stream == stream) return last_state;
  const internal::HashedName key(stream);  // hashed once for both generations
  auto found = current.find(key);
  if (found != current.end()) return remember(stream, &found->second);
  auto old = previous.find(key);
  if (old == previous.end()) return nullptr;
  return remember(stream, &current.insert(previous.extract(old)).position->second);
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
  return table.remember(stream, &table.current.emplace(stream, std::move(state)).first->second);
}

Result<const std::vector<CategoryReport>*> DomainCache::category_reports(const std::string& county,
                                                                        Category category) {
  auto key = std::make_pair(county, category);
  auto found = category_reports_.find(key);
  if (found == category_reports_.end()) {
    auto stored = redline::category_reports(store_, county, category);
    if (!stored.ok()) return stored.status();
    category_report_count_ += stored->size();
    found = category_reports_.emplace(std::move(key), std::move(*stored)).first;
  }
  return &found->second;
}

Status DomainCache::preload(const NewEvent& event) {
  if (const auto* reported = std::get_if<HazardReported>(&event.data)) {
    auto reports = category_reports(reported->county, reported->category);
    if (!reports.ok()) return reports.status();
  }
  return visit(event, nullptr);
}

Status DomainCache::apply(const NewEvent& event, Position position) {
  if (const auto* reported = std::get_if<HazardReported>(&event.data)) {
    auto found = category_reports_.find(std::make_pair(reported->county, reported->category));
    if (found != category_reports_.end()) {
      CategoryReport report{event.occurred_at, reported->hazard_id, reported->institution_id};
      auto& reports = found->second;
      reports.insert(std::upper_bound(reports.begin(), reports.end(), report), std::move(report));
      ++category_report_count_;
    }
  }
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
  return visit(event, &position);
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

Status DomainCache::visit(const NewEvent& event, const Position* fold_at) {
  const std::string& stream = event.stream;
  auto update = [&](auto& table) -> Status {
    auto loaded = load(table, stream);
    if (!loaded.ok()) return loaded.status();
    if (fold_at != nullptr) fold(*table.find(stream), facts_of(event, *fold_at));
    return Status::Ok();
  };
  if (stream.starts_with(kHazardStreamPrefix)) return update(hazards_);
  if (stream.starts_with("institution-")) return update(institutions_);
  if (stream.starts_with("unit-")) return update(units_);
  if (stream.starts_with("inspection-")) return update(inspections_);
  if (stream.starts_with("report-")) return update(reports_);
  if (stream.starts_with("campaign-")) return update(campaigns_);
  if (stream.starts_with("volunteer-")) return update(volunteers_);
  if (stream.starts_with("systemic-")) return update(systemics_);
  return Status::Ok();
}

std::size_t DomainCache::size() const {
  // A category report is a tenth of an entity's memory.
  return units_.size() + institutions_.size() + volunteers_.size() + campaigns_.size() +
         inspections_.size() + reports_.size() + hazards_.size() + systemics_.size() +
         category_report_count_ / 10;
}

void DomainCache::trim(std::size_t limit) {
  hazards_.erase_if([](const HazardState& hazard) {
    return hazard.phase == HazardPhase::closed || hazard.phase == HazardPhase::dismissed;
  });
  reports_.erase_if([](const ReportState& report) { return report.published; });
  inspections_.erase_if([](const InspectionState& inspection) { return inspection.completed; });
  // Reloaded on demand; nothing is in flight now, so the store alone has them all.
  category_reports_.clear();
  category_report_count_ = 0;
  if (size() <= limit) return;
  units_.rotate();
  institutions_.rotate();
  volunteers_.rotate();
  campaigns_.rotate();
  inspections_.rotate();
  reports_.rotate();
  hazards_.rotate();
  systemics_.rotate();
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
  systemics_.clear();
  category_reports_.clear();
  category_report_count_ = 0;
}

}  // namespace redline
