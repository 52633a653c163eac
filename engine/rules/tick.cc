#include "engine/rules/tick.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <map>
#include <memory>

#include "engine/domain/directory.h"
#include "engine/domain/domain_cache.h"
#include "engine/rules/due_items.h"
#include "engine/rules/event_stager.h"
#include "engine/rules/reactive_rules.h"
#include "engine/rules/rule_ids.h"
#include "engine/store_layout.h"

namespace redline {
namespace {

// A tick's events are committed in chunks of about this many, so a tick over a long
// backlog never builds one huge batch; a chunk ends only between distinct due instants.
constexpr std::size_t kChunkEvents = 100'000;

constexpr std::string_view kDeadlineMissedReason = "deadline_missed";

class Ticker {
 public:
  Ticker(EventStore& store, const RulesConfig& rules, Timestamp now, DomainCache* shared)
      : store_(store),
        rules_(rules),
        now_(now),
        own_cache_(shared == nullptr ? std::make_unique<DomainCache>(store) : nullptr),
        cache_(shared == nullptr ? *own_cache_ : *shared) {
    txn_.emplace(store.begin_transaction());
  }

  Result<TickOutcome> run() {
    REDLINE_RETURN_IF_ERROR(load_due());
    while (!pending_.empty()) {
      const DueItem item = pending_.begin()->second;
      pending_.erase(pending_.begin());
      ++outcome_.items_handled;
      REDLINE_RETURN_IF_ERROR(handle(item));
      const bool boundary = pending_.empty() || pending_.begin()->second.due > item.due;
      if (boundary && txn_->staged_event_count() >= kChunkEvents) {
        REDLINE_RETURN_IF_ERROR(commit(item.due));
        txn_.emplace(store_.begin_transaction());
      }
    }
    REDLINE_RETURN_IF_ERROR(commit(now_));
    return outcome_;
  }

 private:
  Status load_due() {
    const std::string end = due_key_after(now_);
    std::unique_ptr<rocksdb::Iterator> it(store_.db()->NewIterator(
        rocksdb::ReadOptions(), store_.family(layout::kDeadlinesFamily)));
    for (it->SeekToFirst(); it->Valid() && it->key().compare(end) < 0; it->Next()) {
      const std::string_view key(it->key().data(), it->key().size());
      auto item = parse_due_item(key, std::string_view(it->value().data(), it->value().size()));
      if (!item) return Status(ErrorCode::corruption, "malformed deadline index entry");
      pending_.emplace(std::string(key), std::move(*item));
    }
    if (!it->status().ok()) {
      return Status(ErrorCode::storage_error,
                    "cannot read the deadline index: " + it->status().ToString());
    }
    return Status::Ok();
  }

  Status handle(const DueItem& item) {
    std::vector<NewEvent> events;
    if (item.is_campaign()) {
      REDLINE_RETURN_IF_ERROR(campaign_events(item, &events));
      txn_->erase(layout::kDeadlinesFamily, due_key(item));
    } else {
      REDLINE_RETURN_IF_ERROR(hazard_events(item, &events));
      // A hazard item leaves the index through the state change its events make; one whose
      // hazard no longer waits for it (never expected) just leaves.
      if (events.empty()) txn_->erase(layout::kDeadlinesFamily, due_key(item));
    }
    if (events.empty()) return Status::Ok();
    StagedEvents staged;
    REDLINE_ASSIGN(staged, stage_events(*txn_, cache_, rules_, events, std::nullopt));
    if (!outcome_.first_position) outcome_.first_position = staged.append.first_position;
    outcome_.last_position = staged.append.last_position;
    for (const DueItem& gone : staged.disarmed) pending_.erase(due_key(gone));
    for (const DueItem& armed : staged.armed) {
      if (armed.due <= now_) pending_.emplace(due_key(armed), armed);
    }
    return Status::Ok();
  }

  Status hazard_events(const DueItem& item, std::vector<NewEvent>* events) {
    const HazardState* hazard;
    REDLINE_ASSIGN(hazard, cache_.hazard(item.subject));
    const auto waiting = hazard_due_items(item.subject, *hazard, rules_);
    if (std::find(waiting.begin(), waiting.end(), item) == waiting.end()) return Status::Ok();
    const std::string stream = hazard_stream(item.subject);
    auto emit = [&](Event data, std::string_view rule) {
      events->push_back(rule_event(stream, std::move(data), item.due, rule, item.caused_by));
    };
    switch (item.kind) {
      case DueKind::deadline_missed:
        emit(DeadlineMissed{hazard->active_deadline_kind(), *hazard->active_deadline()},
             rules::kDeadlineMissed);
        escalate(*hazard, kDeadlineMissedReason, rules::kDeadlineMissed, emit);
        break;
      case DueKind::still_overdue:
        escalate(*hazard, kStillOverdueReason, rules::kStillOverdue, emit);
        break;
      case DueKind::verification_overdue:
        emit(VerificationOverdue{*hazard->submitted_at}, rules::kVerificationOverdue);
        break;
      default:
        break;
    }
    return Status::Ok();
  }

  // One step up the ladder and its consequences, judged in the order of SPEC §4:
  // accountability if the hazard was listed before this escalation, then listing if the
  // new level is city or higher. A missed deadline of a listed hazard at the top of the
  // ladder still raises accountability; still-overdue there appends nothing.
  template <class Emit>
  void escalate(const HazardState& hazard, std::string_view reason, std::string_view rule,
                Emit& emit) {
    const auto to = next_rung(rules_, hazard.escalation);
    if (to) emit(HazardEscalated{hazard.escalation, *to, std::string(reason)}, rule);
    if (hazard.listed && (to || rule == rules::kDeadlineMissed)) {
      emit(AccountabilityRaised{hazard.institution_id, hazard.county, std::string(reason)}, rule);
    }
    if (to && *to >= EscalationLevel::city && hazard.listed != ListingLevel::city) {
      emit(HazardListed{ListingLevel::city, "city_bureau", "escalation"}, rule);
    }
  }

  Status campaign_events(const DueItem& item, std::vector<NewEvent>* events) {
    const CampaignState* campaign;
    REDLINE_ASSIGN(campaign, cache_.campaign(item.subject));
    if (!campaign->exists) return Status::Ok();
    const std::string stream = campaign_stream(item.subject);
    auto missed = [&](ObligationKind kind, std::optional<std::string> unit,
                      std::optional<std::string> institution) {
      events->push_back(rule_event(
          stream, ObligationMissed{item.subject, kind, std::move(unit), std::move(institution)},
          item.due, rules::kCampaignObligations, item.caused_by));
    };
    if (item.kind == DueKind::liaison_list || item.kind == DueKind::summary) {
      const auto& submitted =
          item.kind == DueKind::liaison_list ? campaign->liaison_lists : campaign->summaries;
      std::vector<std::string> units;
      REDLINE_ASSIGN(units, county_bureau_units(store_));
      for (std::string& unit : units) {
        auto found = submitted.find(unit);
        if (found == submitted.end() || found->second > item.due) {
          missed(item.kind == DueKind::liaison_list ? ObligationKind::liaison_list
                                                    : ObligationKind::summary,
                 std::move(unit), std::nullopt);
        }
      }
      return Status::Ok();
    }
    std::vector<std::string> institutions;
    REDLINE_ASSIGN(institutions, registered_institutions(store_, std::nullopt));
    for (std::string& id : institutions) {
      const InstitutionState* institution;
      REDLINE_ASSIGN(institution, cache_.institution(id));
      const auto& drills = institution->drill_days;
      const bool drilled = std::any_of(drills.begin(), drills.end(), [&](const std::string& day) {
        return day >= campaign->starts_on && day <= campaign->ends_on;
      });
      const auto& letters = institution->letter_days;
      const bool signed_letter = std::any_of(letters.begin(), letters.end(), [&](const std::string& day) {
        return day <= campaign->ends_on;
      });
      if (!drilled) missed(ObligationKind::drill, std::nullopt, id);
      if (!signed_letter) missed(ObligationKind::responsibility_letter, std::nullopt, std::move(id));
    }
    return Status::Ok();
  }

  Status commit(Timestamp ticked_to) {
    std::string value;
    layout::append_instant_be(&value, ticked_to);
    txn_->put(layout::kMetaFamily, layout::kTickKey, value);
    return txn_->commit();
  }

  EventStore& store_;
  const RulesConfig& rules_;
  const Timestamp now_;
  std::unique_ptr<DomainCache> own_cache_;
  DomainCache& cache_;
  std::optional<StoreTransaction> txn_;  // the open chunk
  std::map<std::string, DueItem> pending_;  // by key: due order
  TickOutcome outcome_;
};

}  // namespace

Result<std::optional<Timestamp>> last_tick(const EventStore& store) {
  std::string value;
  const auto s = store.db()->Get(rocksdb::ReadOptions(), store.family(layout::kMetaFamily),
                                 rocksdb::Slice(layout::kTickKey.data(), layout::kTickKey.size()),
                                 &value);
  if (s.IsNotFound()) return std::optional<Timestamp>();
  if (!s.ok()) return Status(ErrorCode::storage_error, "cannot read the tick mark: " + s.ToString());
  auto instant = layout::read_instant_be(value);
  if (!instant) return Status(ErrorCode::corruption, "malformed tick mark in the store's meta");
  return std::optional<Timestamp>(*instant);
}

Result<TickOutcome> run_tick(EventStore& store, const RulesConfig& rules, Timestamp now,
                             DomainCache* cache) {
  std::optional<Timestamp> ticked;
  REDLINE_ASSIGN(ticked, last_tick(store));
  if (ticked && now <= *ticked) {
    TickOutcome outcome;
    outcome.already_ticked_to = ticked;
    return outcome;
  }
  Ticker ticker(store, rules, now, cache);
  auto outcome = ticker.run();
  // A failed chunk was never written: the shared cache must not keep its folds.
  if (!outcome.ok() && cache != nullptr) cache->clear();
  return outcome;
}

}  // namespace redline
