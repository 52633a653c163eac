#include "engine/rules/rules_simulation.h"

#include <vector>

#include "engine/domain/domain_cache.h"
#include "engine/replay.h"
#include "engine/rules/alerts.h"
#include "engine/rules/event_stager.h"
#include "engine/rules/reactive_rules.h"
#include "engine/rules/tick.h"

namespace redline {
namespace {

// Commits about this many replayed events at a time (ticks commit on their own).
constexpr std::size_t kReplayChunk = 5'000;

Status count(AlertRenderer& renderer, const Envelope& event, RuleSimulation* outcome) {
  std::int64_t RuleCounts::*field = nullptr;
  if (std::holds_alternative<DeadlineMissed>(event.data)) field = &RuleCounts::deadlines_missed;
  if (std::holds_alternative<HazardEscalated>(event.data)) field = &RuleCounts::escalations;
  if (std::holds_alternative<HazardListed>(event.data)) field = &RuleCounts::listings;
  if (std::holds_alternative<AccountabilityRaised>(event.data)) field = &RuleCounts::accountability;
  if (std::holds_alternative<ObligationMissed>(event.data)) field = &RuleCounts::obligations_missed;
  if (field == nullptr) return Status::Ok();
  nlohmann::ordered_json alert;
  REDLINE_ASSIGN(alert, renderer.render(event));
  const std::string county = alert["county"].is_string() ? alert["county"].get<std::string>() : "";
  ++(outcome->by_county[county].*field);
  ++(outcome->total.*field);
  return Status::Ok();
}

}  // namespace

Result<RuleSimulation> count_rule_outcomes(const EventStore& store) {
  RuleSimulation outcome;
  AlertRenderer renderer(store);
  Status failure;
  REDLINE_RETURN_IF_ERROR(replay(store, Position(1), [&](const Envelope& event) {
    failure = count(renderer, event, &outcome);
    return failure.ok();
  }));
  REDLINE_RETURN_IF_ERROR(failure);
  return outcome;
}

Result<RuleSimulation> simulate_rules(const EventStore& source, const RulesConfig& rules,
                                      std::optional<Timestamp> until,
                                      const std::string& scratch_path) {
  std::unique_ptr<EventStore> scratch;
  REDLINE_ASSIGN(scratch, EventStore::open(StoreOptions{scratch_path, /*sync=*/false, true}));
  if (scratch->head().position != Position(0)) {
    return Status(ErrorCode::invalid_field, "scratch store " + scratch_path + " is not empty");
  }
  DomainCache cache(*scratch);
  std::optional<StoreTransaction> txn;
  Timestamp ticked_to(std::numeric_limits<std::int64_t>::min());
  Timestamp latest = ticked_to;
  RuleSimulation outcome;

  auto flush = [&]() -> Status {
    if (!txn) return Status::Ok();
    Status committed = txn->commit();
    txn.reset();
    return committed;
  };
  auto tick_to = [&](Timestamp now) -> Status {
    if (now <= ticked_to) return Status::Ok();
    REDLINE_RETURN_IF_ERROR(flush());
    auto ticked = run_tick(*scratch, rules, now, &cache);
    if (!ticked.ok()) return ticked.status();
    ticked_to = now;
    return Status::Ok();
  };

  Status failure;
  REDLINE_RETURN_IF_ERROR(replay(source, Position(1), [&](const Envelope& event) {
    if (event.rule) return true;  // re-derived below, with these rules
    if (until && event.occurred_at > *until) return true;
    // Deadline rules due before this event's business time run first, as a tick would have.
    failure = tick_to(event.occurred_at);
    if (!failure.ok()) return false;
    if (event.occurred_at > latest) latest = event.occurred_at;
    if (!txn) txn.emplace(scratch->begin_transaction());
    NewEvent fact{event.stream, event.data, event.occurred_at, event.actor, event.command_id,
                  std::nullopt, std::nullopt};
    std::vector<NewEvent> one;
    one.push_back(std::move(fact));
    auto expanded = with_reactive_rules(std::move(one), cache, rules, txn->next_position());
    if (!expanded.ok()) {
      failure = expanded.status();
      return false;
    }
    auto staged = stage_events(*txn, cache, rules, *expanded, std::nullopt);
    if (!staged.ok()) {
      failure = staged.status();
      return false;
    }
    ++outcome.events_replayed;
    if (txn->staged_event_count() >= kReplayChunk) failure = flush();
    return failure.ok();
  }));
  REDLINE_RETURN_IF_ERROR(failure);
  REDLINE_RETURN_IF_ERROR(flush());

  Timestamp end = latest;
  if (until) {
    end = *until;
  } else {
    std::optional<Timestamp> source_tick;
    REDLINE_ASSIGN(source_tick, last_tick(source));
    if (source_tick && *source_tick > end) end = *source_tick;
  }
  REDLINE_RETURN_IF_ERROR(tick_to(end));

  RuleSimulation counted;
  REDLINE_ASSIGN(counted, count_rule_outcomes(*scratch));
  counted.events_replayed = outcome.events_replayed;
  counted.ticked_to = ticked_to;
  return counted;
}

}  // namespace redline
