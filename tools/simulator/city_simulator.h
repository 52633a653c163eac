// CitySimulator: a realistic, deterministic command stream for a city's safety-management
// month (SPEC §1): units and institutions of all nine kinds across counties, a campaign
// with its letters, liaison lists, plans, drills and summaries, inspections of every mode
// (some drawn double-randomly), findings across categories (mostly general, some major,
// systemic clusters), plans, progress, submissions, failed and passed verifications,
// closings, extensions, assistance requests, late and never-fixed hazards, and public
// reports triaged every way. It follows the reactive rules of SPEC §4 that run within each
// command: a major hazard is listed at city level on classification, so the city bureau
// delists it after verification, before it is closed; every extension moves the active
// deadline later. Every command it writes is accepted by `redline submit` on an empty
// store, both in one go and a day at a time with the deadline rules ticked to each next
// midnight in between (tools/run_month.sh): late general hazards then miss their deadlines
// and escalate to county, never-fixed ones climb on to city, listed major hazards raise
// accountability, but no hazard the stream later delists at county level or closes is
// escalated to city. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "events/status.h"

namespace redline {

struct SimulationOptions {
  std::uint64_t seed = 1;
  int counties = 6;
  int institutions = 300;
  int days = 30;
  std::string start = "2026-06-01";  // first day of the campaign (YYYY-MM-DD)
};

struct SimulationCounts {
  std::uint64_t commands = 0;
  std::uint64_t hazards = 0;
};

// Calls `emit` with each command, in time order. Fails only on bad options.
Status simulate_city(const SimulationOptions& options,
                     const std::function<void(const nlohmann::ordered_json&)>& emit,
                     SimulationCounts* counts);

}  // namespace redline
