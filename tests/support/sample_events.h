// Builders of realistic events for tests: a hazard's lifecycle with Chinese text, one
// event of every type, and helpers to append them. For tests; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "engine/event_store.h"
#include "events/envelope.h"
#include "events/time.h"

namespace redline::testing {

inline Actor inspector() { return {"insp-7", Role::inspector}; }

inline Timestamp at(const char* iso) { return *parse_instant(iso); }

inline NewEvent new_event(std::string stream, Event data, const char* when = "2026-06-03T09:00:00Z",
                          Actor actor = inspector()) {
  NewEvent event;
  event.stream = std::move(stream);
  event.data = std::move(data);
  event.occurred_at = at(when);
  event.actor = std::move(actor);
  return event;
}

inline HazardReported hazard_reported(const std::string& hazard_id) {
  HazardReported e;
  e.hazard_id = hazard_id;
  e.institution_id = "I-1";
  e.county = "LT";
  e.category = Category::fire_safety;
  e.description = "消防通道堵塞，灭火器过期（三楼东侧）";
  e.source = HazardSource::spot_check;
  e.inspection_id = "INS-1";
  e.evidence = {MediaItem{"通道.jpg", MediaFormat::jpg, 1920, 1080}};
  return e;
}

// One event of every type in the spec, each with non-default fields.
std::vector<Event> one_of_every_type();

// Appends `events` to stream `stream` in one committed transaction; fails the test on error.
StagedAppend append_committed(EventStore& store, const std::vector<NewEvent>& events,
                              std::optional<StreamVersion> expected = std::nullopt);

}  // namespace redline::testing
