#include "tools/cli/event_output.h"

#include <iomanip>

#include "events/json.h"
#include "events/time.h"

namespace redline::cli {

std::optional<EventFormat> parse_event_format(const std::string& text) {
  if (text == "human" || text == "table") return EventFormat::human;
  if (text == "jsonl" || text == "json") return EventFormat::jsonl;
  return std::nullopt;
}

void print_event(std::ostream& out, const Envelope& e, EventFormat format) {
  if (format == EventFormat::jsonl) {
    out << envelope_to_jsonl(e) << '\n';
    return;
  }
  out << std::setw(8) << e.position.value() << "  " << format_instant(e.occurred_at) << "  "
      << e.stream << " v" << e.version.value() << "  " << e.type() << "  " << e.actor.id << " ("
      << to_string(e.actor.role) << ")";
  if (e.rule) out << "  rule " << *e.rule;
  if (e.caused_by) out << " caused by " << e.caused_by->value();
  out << "  "
      << event_data_to_json(e.data).dump(-1, ' ', false, Json::error_handler_t::replace)
      << '\n';
}

}  // namespace redline::cli
