#include "projections/builtin_projections.h"

#include <cereal/types/common.hpp>

#include <algorithm>
#include <array>
#include <unordered_set>

#include "engine/replay.h"
#include "engine/store_layout.h"
#include "projections/hazard_history.h"
#include "projections/internal/key_order.h"
#include "projections/internal/hazard_state_format.h"
#include "projections/internal/state_cache.h"
#include "projections/internal/hazard_pack.h"

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

// Hazard states are many (a cache of them in every fold, one per hazard in a read): they
// take the codec without an archive.
static_assert(internal::HasDirectStateBytes<HazardState>);

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
    REDLINE_RETURN_IF_ERROR(before_change(*slot));
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
  static constexpr std::string_view kHazardKeyPrefix = kHazardStateKeyPrefix;
  static std::string_view hazard_id_of_key(std::string_view key) { return key.substr(kHazardKeyPrefix.size()); }
  // `slot` holds the state before the event.
  virtual Status before_change(internal::StateCache<HazardState>::Slot& slot) {
    (void)slot;
    return Status::Ok();
  }
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

// hazard_status, with its history: snapshots and pre-images (hazard_history.h).
class HazardStatusProjection final : public HazardFold {
 public:
  explicit HazardStatusProjection(const ProjectionSettings& settings)
      : HazardFold(settings), snapshot_every_(settings.snapshot_every) {
    wants_before_ = false;
  }
  std::string name() const override { return std::string(kHazardStatus); }
  // Other events count through their position and occurred_at only: HazardFold's
  // needs_data() serves.
  // 3: history records are keyed by epoch first. 4: states in a fixed layout
  // (internal/hazard_state_format.h). 5: history as pre-images (hazard_history.h). 6:
  // pre-images in runs. 7: the pack.
  std::uint32_t format_version() const override { return 7; }

  Status apply(const Envelope& event, ProjectionBatch& batch) override {
    if (!loaded_) REDLINE_RETURN_IF_ERROR(load(batch));
    max_occurred_ = std::max(max_occurred_, event.occurred_at);
    REDLINE_RETURN_IF_ERROR(HazardFold::apply(event, batch));
    if (event.position.value() % snapshot_every_ == 0) return snapshot(event.position, batch);
    return Status::Ok();
  }

  Status flush(ProjectionBatch& batch) override {
    if (loaded_) {
      write_pre_images(batch);
      batch.put(history::kMaxOccurredKey, be64(static_cast<std::uint64_t>(max_occurred_.value())));
      batch.put(history::kLastSnapshotKey, be64(last_snapshot_.value()));
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
  // The pack (hazard_history.h): every hazard's state at the last snapshot, written again
  // once a fold has taken a newer one.
  Status after_fold(ProjectionBatch& batch) override {
    std::optional<Position> snapshot, packed;
    REDLINE_ASSIGN(snapshot, history::recorded_position(batch.get(history::kLastSnapshotKey), "last snapshot"));
    REDLINE_ASSIGN(packed, history::recorded_position(batch.get(history::kPackedAtKey), "pack"));
    if (!snapshot || *snapshot == Position(0) || packed == snapshot) return Status::Ok();

    // The states this process keeps are all written: their memory goes to the pack.
    reset();
    return internal::write_hazard_pack(batch, *snapshot);
  }

  void reset() override {
    HazardFold::reset();
    pending_.clear();
    loaded_pending_.clear();
    pre_images_.clear();
    pre_image_bytes_.clear();
    loaded_ = false;
    max_occurred_ = Timestamp(0);
    last_snapshot_ = Position(0);
  }

 private:
  using Slot = internal::StateCache<HazardState>::Slot;

  // What the last flush left: the latest occurred_at so far, the last snapshot, and the
  // hazards changed since it (whose pre-images are written: a later process must not
  // write them again).
  Status load(ProjectionBatch& batch) {
    auto max_occurred = batch.get(history::kMaxOccurredKey);
    if (!max_occurred.ok()) return max_occurred.status();
    if (max_occurred->has_value()) {
      max_occurred_ =
          Timestamp(static_cast<std::int64_t>(layout::read_u64_be(**max_occurred).value_or(0)));
    }
    std::optional<Position> last_snapshot;
    REDLINE_ASSIGN(last_snapshot, history::recorded_position(batch.get(history::kLastSnapshotKey), "last snapshot"));
    last_snapshot_ = last_snapshot.value_or(Position(0));
    auto pending = batch.get(history::kPendingKey);
    if (!pending.ok()) return pending.status();
    if (pending->has_value()) {
      std::string_view ids = **pending;
      while (!ids.empty()) {
        const auto end = ids.find('\n');
        loaded_pending_.emplace(ids.substr(0, end));
        ids = end == std::string_view::npos ? std::string_view() : ids.substr(end + 1);
      }
    }
    loaded_ = true;
    return Status::Ok();
  }

  // A hazard's first change since the last snapshot: its state then is its pre-image (kept
  // until the next write, then written in runs in key order).
  Status before_change(Slot& slot) override {
    if (slot.marked) return Status::Ok();
    slot.marked = true;
    pending_.push_back(&slot);
    const std::string_view id = hazard_id_of_key(slot.key);
    if (!slot.state.exists) return Status::Ok();  // reported now
    if (!loaded_pending_.empty() && loaded_pending_.contains(id)) return Status::Ok();  // already written
    PreImage image{pre_image_bytes_.size(), id.size(), 0, 0};
    pre_image_bytes_.append(id);
    image.state_at = pre_image_bytes_.size();
    internal::append_encoded_state(slot.state, &pre_image_bytes_);
    image.state_size = pre_image_bytes_.size() - image.state_at;
    pre_images_.push_back(image);
    return Status::Ok();
  }
  Status on_hazard(Slot&, const HazardState*, ProjectionBatch&) override { return Status::Ok(); }

  void write_pre_images(ProjectionBatch& batch) {
    in_order_.clear();
    for (const PreImage& image : pre_images_) {
      in_order_.push_back({{}, std::string_view(pre_image_bytes_).substr(image.id_at, image.id_size), &image});
    }
    // In key order: a write of many snapshots then reaches the runner as a few sorted runs,
    // which it merges instead of sorting (internal/key_order.h).
    internal::sort_by_key(&in_order_, [](const PreImage*, const PreImage*) { return false; });  // ids are unique
    internal::UnreadPuts puts(batch);
    for (std::size_t first = 0; first < in_order_.size(); first += history::kStatesPerRun) {
      const std::size_t end = std::min(in_order_.size(), first + history::kStatesPerRun);
      run_.clear();
      for (std::size_t i = first; i < end; ++i) {
        const PreImage& image = *in_order_[i].item;
        const std::string_view state = std::string_view(pre_image_bytes_).substr(image.state_at, image.state_size);
        history::append_to_run(in_order_[i].key, state, &run_);
      }
      history::pre_image_key_into(last_snapshot_, in_order_[first].key, &run_key_);
      puts.put(run_key_, run_);
    }
    pre_images_.clear();
    pre_image_bytes_.clear();
  }

  // The hazards changed since the previous snapshot start again from unchanged.
  Status snapshot(Position position, ProjectionBatch& batch) {
    write_pre_images(batch);
    for (Slot* slot : pending_) slot->marked = false;
    pending_.clear();
    loaded_pending_.clear();
    batch.put(history::snapshot_key(position), be64(static_cast<std::uint64_t>(max_occurred_.value())));
    last_snapshot_ = position;
    return Status::Ok();
  }

  // A pre-image in pre_image_bytes_: the hazard's id, then its encoded state.
  struct PreImage {
    std::size_t id_at, id_size, state_at, state_size;
  };

  std::uint64_t snapshot_every_;
  std::vector<Slot*> pending_;  // marked: changed since the last snapshot
  std::unordered_set<std::string, internal::StringHash, std::equal_to<>> loaded_pending_;  // ids a previous process left pending
  std::vector<PreImage> pre_images_;  // not yet written
  std::string pre_image_bytes_;
  std::vector<internal::KeyedItem<const PreImage*>> in_order_;  // pre_images_ sorted, reused
  std::string run_key_, run_;  // the run being written, reused
  bool loaded_ = false;
  Timestamp max_occurred_{0};
  Position last_snapshot_{0};
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
