#include "projections/builtin_projections.h"

#include <cereal/types/common.hpp>

#include <algorithm>
#include <array>

#include "engine/replay.h"
#include "engine/store_layout.h"
#include "projections/hazard_history.h"
#include "projections/internal/key_order.h"
#include "projections/internal/hazard_state_format.h"
#include "projections/internal/state_cache.h"

namespace redline {

std::optional<double> CountySummary::rectification_rate() const {
  const std::int64_t to_rectify = hazards - dismissed;
  if (to_rectify <= 0) return std::nullopt;
  return static_cast<double>(closed) / static_cast<double>(to_rectify);
}

std::optional<double> CountySummary::on_time_rate() const {
  if (closed <= 0) return std::nullopt;
  return static_cast<double>(closed_on_time) / static_cast<double>(closed);
}

Result<HazardState> decode_hazard_state(std::string_view bytes) {
  return internal::decode_state<HazardState>(bytes, "hazard state");
}
Status decode_hazard_state_into(std::string_view bytes, HazardState* state) {
  return internal::decode_state_into(bytes, "hazard state", state);
}
Result<Scorecard> decode_scorecard(std::string_view bytes) {
  return internal::decode_state<Scorecard>(bytes, "institution scorecard");
}
Result<CountySummary> decode_county_summary(std::string_view bytes) {
  return internal::decode_state<CountySummary>(bytes, "county summary");
}
std::string encode_hazard_state(const HazardState& state) { return internal::encode_state(state); }

namespace {

std::optional<std::string> hazard_id_of(const Envelope& event) {
  if (!event.stream.starts_with(kHazardStreamPrefix)) return std::nullopt;
  return event.stream.substr(kHazardStreamPrefix.size());
}

std::string be64(std::uint64_t value) {
  std::string out;
  layout::append_u64_be(&out, value);
  return out;
}

// Folds each hazard's HazardState (the same fold the write side and `redline hazard` use)
// and hands every change to the subclass with the state before it.
class HazardFold : public Projection {
 public:
  explicit HazardFold(const ProjectionSettings& settings) : hazards_(settings.state_cache_entries) {}
  // 2: the fold records what the rules wrote (deadlines armed, misses, escalation steps).
  // 3: states in a fixed layout (internal/hazard_state_format.h).
  std::uint32_t format_version() const override { return 3; }
  // Hazards' events; a subclass whose on_other() reads other events' data adds those.
  bool needs_data(std::string_view stream, std::string_view) const override {
    return stream.starts_with(kHazardStreamPrefix);
  }

  Status apply(const Envelope& event, ProjectionBatch& batch) override {
    const std::string_view stream = event.stream;
    if (!stream.starts_with(kHazardStreamPrefix)) return on_other(event, batch);
    key_.assign(kHazardKeyPrefix).append(stream.substr(kHazardStreamPrefix.size()));
    const HintedKey& hinted = hinted_keys_[event.position.value() % hinted_keys_.size()];
    const std::size_t hash =
        hinted.position == event.position ? hinted.hash : internal::StateCache<HazardState>::hash_of(key_);
    internal::StateCache<HazardState>::Slot* slot;
    REDLINE_ASSIGN(slot, hazards_.slot_hashed(batch, key_, hash, /*create=*/true,
                                              /*known_new=*/event.version == StreamVersion(1)));
    HazardState& state = slot->state;
    if (wants_before_) before_ = state;
    const bool existed = state.exists;
    redline::apply(state, facts_of(event));
    return on_hazard(*slot, existed ? &before_ : nullptr, batch);
  }

  void prefetch(const Envelope& upcoming) override {
    const std::string_view stream = upcoming.stream;
    if (!stream.starts_with(kHazardStreamPrefix)) return;
    upcoming_key_.assign(kHazardKeyPrefix).append(stream.substr(kHazardStreamPrefix.size()));
    hinted_keys_[upcoming.position.value() % hinted_keys_.size()] = {upcoming.position,
                                                                    hazards_.prefetch_key(upcoming_key_)};
  }

  Status flush(ProjectionBatch& batch) override {
    hazards_.flush(batch);
    return Status::Ok();
  }
  void reset() override {
    hazards_.reset();
    hinted_keys_.fill({});
  }

 protected:
  static constexpr std::string_view kHazardKeyPrefix = "h/";
  static std::string hazard_key(std::string_view id) { return std::string(kHazardKeyPrefix).append(id); }
  static std::string_view hazard_id_of_key(std::string_view key) { return key.substr(kHazardKeyPrefix.size()); }
  // `slot` holds the state after the event.
  virtual Status on_hazard(internal::StateCache<HazardState>::Slot& slot, const HazardState* before,
                           ProjectionBatch& batch) = 0;
  virtual Status on_other(const Envelope& event, ProjectionBatch& batch) {
    (void)event;
    (void)batch;
    return Status::Ok();
  }

  internal::StateCache<HazardState> hazards_;
  bool wants_before_ = true;
  HazardState before_;

 private:
  // The key hashes prefetch() computed, by position modulo their count (more than the
  // replay's lookahead, so a hint is still there when its event is applied), for apply().
  struct HintedKey {
    Position position{0};  // none: no event has position 0
    std::size_t hash = 0;
  };
  std::array<HintedKey, 2 * kReplayLookahead> hinted_keys_{};
  std::string key_;           // the current event's hazard key, reused
  std::string upcoming_key_;  // the hinted event's
};

// hazard_status, with its history snapshots (hazard_history.h).
class HazardStatusProjection final : public HazardFold {
 public:
  explicit HazardStatusProjection(const ProjectionSettings& settings)
      : HazardFold(settings),
        snapshot_every_(settings.snapshot_every),
        epoch_length_(settings.history_epoch),
        configured_epoch_length_(settings.history_epoch) {
    wants_before_ = false;
  }
  std::string name() const override { return std::string(kHazardStatus); }
  // Other events count through their position and occurred_at only: HazardFold's
  // needs_data() serves.
  // 3: history records are keyed by epoch first (hazard_history.h). 4: states in a fixed
  // layout (internal/hazard_state_format.h).
  std::uint32_t format_version() const override { return 4; }

  Status apply(const Envelope& event, ProjectionBatch& batch) override {
    if (!loaded_) REDLINE_RETURN_IF_ERROR(load(batch));
    max_occurred_ = std::max(max_occurred_, event.occurred_at);
    REDLINE_RETURN_IF_ERROR(HazardFold::apply(event, batch));
    if (event.position.value() % snapshot_every_ == 0) return snapshot(event.position, batch);
    return Status::Ok();
  }

  Status flush(ProjectionBatch& batch) override {
    if (loaded_) {
      batch.put(history::kMaxOccurredKey, be64(static_cast<std::uint64_t>(max_occurred_.value())));
      batch.put(history::kEpochKey, be64(epoch_length_));
      std::vector<std::string_view> ids(loaded_pending_.begin(), loaded_pending_.end());
      for (const auto* slot : pending_) ids.push_back(hazard_id_of_key(slot->key));
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      std::string pending;
      for (const auto id : ids) pending.append(id).push_back('\n');
      batch.put(history::kPendingKey, pending);
    }
    return HazardFold::flush(batch);  // keeps the marked slots pending_ points to
  }
  void reset() override {
    HazardFold::reset();
    epoch_length_ = configured_epoch_length_;
    pending_.clear();
    loaded_pending_.clear();
    loaded_ = false;
    max_occurred_ = Timestamp(0);
  }

 private:
  using Slot = internal::StateCache<HazardState>::Slot;

  // What the last flush left: the latest occurred_at so far, and the hazards changed since
  // the last snapshot (a snapshot taken by a later process must still know them).
  Status load(ProjectionBatch& batch) {
    auto max_occurred = batch.get(history::kMaxOccurredKey);
    if (!max_occurred.ok()) return max_occurred.status();
    if (max_occurred->has_value()) {
      max_occurred_ =
          Timestamp(static_cast<std::int64_t>(layout::read_u64_be(**max_occurred).value_or(0)));
    }
    // Records already written keep their epoch length, whatever the settings say now.
    auto epoch = batch.get(history::kEpochKey);
    if (!epoch.ok()) return epoch.status();
    if (epoch->has_value()) {
      REDLINE_ASSIGN(epoch_length_, history::read_epoch_length(*epoch));
    }
    auto pending = batch.get(history::kPendingKey);
    if (!pending.ok()) return pending.status();
    if (pending->has_value()) {
      std::string_view ids = **pending;
      while (!ids.empty()) {
        const auto end = ids.find('\n');
        loaded_pending_.emplace_back(ids.substr(0, end));
        ids = end == std::string_view::npos ? std::string_view() : ids.substr(end + 1);
      }
    }
    loaded_ = true;
    return Status::Ok();
  }

  Status on_hazard(Slot& slot, const HazardState*, ProjectionBatch&) override {
    if (!slot.marked) {
      slot.marked = true;
      pending_.push_back(&slot);
    }
    return Status::Ok();
  }

  // The state at `position` of every hazard changed since the previous snapshot.
  Status snapshot(Position position, ProjectionBatch& batch) {
    for (const auto& id : loaded_pending_) {
      Slot* slot;
      REDLINE_ASSIGN(slot, hazards_.slot(batch, hazard_key(id), /*create=*/false));
      if (slot != nullptr && !slot->marked) {
        slot->marked = true;
        pending_.push_back(slot);
      }
    }
    loaded_pending_.clear();
    // In key order: a write of many snapshots then reaches the runner as a few sorted runs,
    // which it merges instead of sorting (internal/key_order.h).
    in_order_.clear();
    for (Slot* slot : pending_) in_order_.push_back({{}, slot->key, slot});
    internal::sort_by_key(&in_order_, [](const Slot*, const Slot*) { return false; });  // keys are unique
    std::string key, encoded;
    internal::UnreadPuts puts(batch);
    for (std::size_t i = 0; i < in_order_.size(); ++i) {
      if (i + internal::kPrefetchAhead < in_order_.size()) {
        internal::StateCache<HazardState>::prefetch_slot(in_order_[i + internal::kPrefetchAhead].item);
      }
      Slot* slot = in_order_[i].item;
      slot->marked = false;
      history::history_key_into(hazard_id_of_key(slot->key), position, epoch_length_, &key);
      internal::encode_state_into(slot->state, &encoded);
      puts.put(key, encoded);
    }
    pending_.clear();
    batch.put(history::snapshot_key(position),
              be64(static_cast<std::uint64_t>(max_occurred_.value())));
    return Status::Ok();
  }

  std::uint64_t snapshot_every_;
  std::uint64_t epoch_length_;               // of the stored records
  std::uint64_t configured_epoch_length_;    // for a fresh start
  std::vector<Slot*> pending_;               // marked: changed since the last snapshot
  std::vector<internal::KeyedItem<Slot*>> in_order_;  // pending_ sorted, reused
  std::vector<std::string> loaded_pending_;  // ids a previous process left pending
  bool loaded_ = false;
  Timestamp max_occurred_{0};
};

// supervision_board: the listed hazards.
class SupervisionBoardProjection final : public Projection {
 public:
  explicit SupervisionBoardProjection(const ProjectionSettings&) {}
  std::string name() const override { return std::string(kSupervisionBoard); }
  bool needs_data(std::string_view stream, std::string_view) const override {
    return stream.starts_with(kHazardStreamPrefix);
  }
  Status apply(const Envelope& event, ProjectionBatch& batch) override {
    auto id = hazard_id_of(event);
    if (!id) return Status::Ok();
    if (const auto* listed = std::get_if<HazardListed>(&event.data)) {
      batch.put("l/" + *id, to_string(listed->level));
    } else if (std::holds_alternative<HazardDelisted>(event.data)) {
      batch.erase("l/" + *id);
    }
    return Status::Ok();
  }
};

bool is_open(const HazardState& s) {
  return s.phase != HazardPhase::closed && s.phase != HazardPhase::dismissed;
}

// institution_scorecard.
class InstitutionScorecardProjection final : public HazardFold {
 public:
  explicit InstitutionScorecardProjection(const ProjectionSettings& settings)
      : HazardFold(settings), cards_(settings.state_cache_entries) {}
  std::string name() const override { return std::string(kInstitutionScorecard); }
  bool needs_data(std::string_view stream, std::string_view type) const override {
    return HazardFold::needs_data(stream, type) || type == DrillRecorded::kTypeName ||
           type == ResponsibilityLetterSigned::kTypeName || type == ObligationMissed::kTypeName;
  }
  Status flush(ProjectionBatch& batch) override {
    cards_.flush(batch);
    return HazardFold::flush(batch);
  }
  void reset() override {
    HazardFold::reset();
    cards_.reset();
  }

 private:
  Result<Scorecard*> card(ProjectionBatch& batch, std::string_view institution) {
    return cards_.get(batch, "i/" + std::string(institution), /*create=*/true);
  }

  Status on_hazard(internal::StateCache<HazardState>::Slot& slot, const HazardState* before,
                   ProjectionBatch& batch) override {
    const HazardState& after = slot.state;
    Scorecard* c;
    REDLINE_ASSIGN(c, card(batch, after.institution_id));
    auto count = [c](const HazardState& s, int sign) {
      if (is_open(s)) c->open += sign;
      if (is_open(s) && s.overdue) c->overdue += sign;
      if (s.phase == HazardPhase::closed) c->closed += sign;
    };
    if (before != nullptr) count(*before, -1);
    count(after, +1);
    return Status::Ok();
  }

  Status on_other(const Envelope& event, ProjectionBatch& batch) override {
    if (const auto* drill = std::get_if<DrillRecorded>(&event.data)) {
      Scorecard* c;
      REDLINE_ASSIGN(c, card(batch, drill->institution_id));
      ++c->drills;
    } else if (std::holds_alternative<ResponsibilityLetterSigned>(event.data) &&
               event.stream.starts_with("institution-")) {
      Scorecard* c;
      REDLINE_ASSIGN(c, card(batch, std::string_view(event.stream).substr(12)));
      ++c->letters;
    } else if (const auto* missed = std::get_if<ObligationMissed>(&event.data)) {
      if (missed->institution_id) {
        Scorecard* c;
        REDLINE_ASSIGN(c, card(batch, *missed->institution_id));
        ++c->obligations_missed;
      }
    }
    return Status::Ok();
  }

  internal::StateCache<Scorecard> cards_;
};

// county_summary.
class CountySummaryProjection final : public HazardFold {
 public:
  explicit CountySummaryProjection(const ProjectionSettings& settings)
      : HazardFold(settings), counties_(settings.state_cache_entries) {}
  std::string name() const override { return std::string(kCountySummary); }
  Status flush(ProjectionBatch& batch) override {
    counties_.flush(batch);
    return HazardFold::flush(batch);
  }
  void reset() override {
    HazardFold::reset();
    counties_.reset();
  }

 private:
  Status on_hazard(internal::StateCache<HazardState>::Slot& slot, const HazardState* before,
                   ProjectionBatch& batch) override {
    const HazardState& after = slot.state;
    CountySummary* c;
    REDLINE_ASSIGN(c, counties_.get(batch, "c/" + after.county, /*create=*/true));
    auto count = [c](const HazardState& s, int sign) {
      c->hazards += sign;
      c->by_state[std::string(to_string(s.phase))] += sign;
      c->by_severity[s.severity ? std::string(to_string(*s.severity)) : "unclassified"] += sign;
      c->by_category[std::string(to_string(s.category))] += sign;
      if (s.phase == HazardPhase::dismissed) c->dismissed += sign;
      if (s.phase == HazardPhase::closed) {
        c->closed += sign;
        if (!s.ever_overdue) c->closed_on_time += sign;
      }
    };
    if (before != nullptr) count(*before, -1);
    count(after, +1);
    std::erase_if(c->by_state, [](const auto& kv) { return kv.second == 0; });
    std::erase_if(c->by_severity, [](const auto& kv) { return kv.second == 0; });
    std::erase_if(c->by_category, [](const auto& kv) { return kv.second == 0; });
    return Status::Ok();
  }

  internal::StateCache<CountySummary> counties_;
};

}  // namespace

std::unique_ptr<Projection> make_hazard_status_projection(const ProjectionSettings& settings) {
  return std::make_unique<HazardStatusProjection>(settings);
}
std::unique_ptr<Projection> make_supervision_board_projection(const ProjectionSettings& settings) {
  return std::make_unique<SupervisionBoardProjection>(settings);
}
std::unique_ptr<Projection> make_institution_scorecard_projection(const ProjectionSettings& settings) {
  return std::make_unique<InstitutionScorecardProjection>(settings);
}
std::unique_ptr<Projection> make_county_summary_projection(const ProjectionSettings& settings) {
  return std::make_unique<CountySummaryProjection>(settings);
}

}  // namespace redline
