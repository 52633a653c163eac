#include "engine/rules/alerts.h"

#include <variant>

#include "events/json.h"
#include "events/overloaded.h"
#include "events/time.h"

namespace redline {
namespace {

constexpr std::size_t kRememberedHazards = 100'000;

std::string s(std::string_view text) { return std::string(text); }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

}  // namespace

bool is_alert(const Event& event) { return is_alert_type(event_type_name(event)); }

Result<const HazardState*> AlertRenderer::hazard_at(const std::string& hazard_id,
                                                    Position position) {
  auto found = hazards_.find(hazard_id);
  if (found == hazards_.end() || found->second.position > position) {
    if (hazards_.size() >= kRememberedHazards) hazards_.clear();
    found = hazards_.insert_or_assign(hazard_id, HazardAt{}).first;
  }
  HazardAt& at = found->second;
  std::vector<Position> positions;
  REDLINE_ASSIGN(positions, store_.stream_positions(s(kHazardStreamPrefix) + hazard_id));
  for (Position p : positions) {
    if (p <= at.position) continue;
    if (p > position) break;
    Envelope event;
    REDLINE_ASSIGN(event, store_.read(p));
    apply(at.state, facts_of(event));
    at.position = p;
  }
  return &at.state;
}

Result<std::string> AlertRenderer::county_of(const std::string& stream) {
  auto found = counties_.find(stream);
  if (found != counties_.end()) return found->second;
  std::vector<Position> positions;
  REDLINE_ASSIGN(positions, store_.stream_positions(stream));
  std::string county;
  if (!positions.empty()) {
    Envelope first;
    REDLINE_ASSIGN(first, store_.read(positions.front()));
    if (const auto* unit = std::get_if<UnitRegistered>(&first.data)) {
      county = unit->county.value_or("");
    } else if (const auto* institution = std::get_if<InstitutionRegistered>(&first.data)) {
      county = institution->county;
    }
  }
  counties_.emplace(stream, county);
  return county;
}

Result<nlohmann::ordered_json> AlertRenderer::render(const Envelope& event) {
  nlohmann::ordered_json alert;
  alert["position"] = event.position.value();
  alert["type"] = s(event.type());
  nlohmann::ordered_json county = nullptr;
  nlohmann::ordered_json institution_id = nullptr;
  nlohmann::ordered_json hazard_id = nullptr;
  nlohmann::ordered_json level = nullptr;
  std::string message;

  if (event.stream.starts_with(kHazardStreamPrefix)) {
    const std::string id = event.stream.substr(kHazardStreamPrefix.size());
    const HazardState* hazard;
    REDLINE_ASSIGN(hazard, hazard_at(id, event.position));
    county = hazard->county;
    institution_id = hazard->institution_id;
    hazard_id = id;
    level = s(to_string(hazard->escalation));
    const std::string subject = "Hazard " + id + " at " + hazard->institution_id + " (" +
                                hazard->county + ")";
    std::visit(
        Overloaded{
            [&](const HazardListed& e) {
              level = s(to_string(e.level));
              message = subject + " is listed for supervision at " + s(to_string(e.level)) +
                        " level (" + e.reason + ").";
            },
            [&](const DeadlineMissed& e) {
              message = subject + " missed its " + s(to_string(e.kind)) + " deadline " +
                        format_instant(e.deadline) + ".";
            },
            [&](const HazardEscalated& e) {
              level = s(to_string(e.to));
              message = subject + " escalated from " + s(to_string(e.from)) + " to " +
                        s(to_string(e.to)) + " (" + e.reason + ").";
            },
            [&](const AccountabilityRaised& e) {
              message = "Accountability raised against " + e.institution_id + " (" + e.county +
                        ") over listed hazard " + id + " (" + e.reason + ").";
            },
            [&](const ReferredToGovernment& e) {
              level = "government";
              message = subject + " is referred to the local government: " + e.reason + ".";
            },
            [&](const VerificationOverdue& e) {
              message = subject + ": the rectification submitted " +
                        format_instant(e.submitted_at) + " is still not verified.";
            },
            [&](const auto&) { message = subject + ": " + s(event.type()) + "."; },
        },
        event.data);
  } else if (const auto* systemic = std::get_if<SystemicHazardIdentified>(&event.data)) {
    county = systemic->county;
    message = "Systemic hazard: " + s(to_string(systemic->category)) + " reported at " +
              std::to_string(systemic->institutions.size()) + " institutions of " +
              systemic->county + " (" + join(systemic->institutions) + ").";
  } else if (const auto* missed = std::get_if<ObligationMissed>(&event.data)) {
    std::string who;
    if (missed->institution_id) {
      institution_id = *missed->institution_id;
      std::string c;
      REDLINE_ASSIGN(c, county_of(institution_stream(*missed->institution_id)));
      county = c;
      who = "Institution " + *missed->institution_id + " (" + c + ")";
    } else if (missed->unit_id) {
      std::string c;
      REDLINE_ASSIGN(c, county_of(unit_stream(*missed->unit_id)));
      county = c;
      who = "Unit " + *missed->unit_id + " (" + c + ")";
    }
    static const std::unordered_map<std::string_view, std::string_view> kWhat = {
        {"liaison_list", "submit its liaison list"},
        {"summary", "submit its summary"},
        {"drill", "hold a fire drill or training"},
        {"responsibility_letter", "sign a responsibility letter"}};
    auto what = kWhat.find(to_string(missed->kind));
    message = who + " did not " +
              (what == kWhat.end() ? s(to_string(missed->kind)) : s(what->second)) +
              " for campaign " + missed->campaign_id + ".";
  } else {
    message = s(event.type()) + " on " + event.stream + ".";
  }
  alert["county"] = county;
  alert["institution_id"] = institution_id;
  alert["hazard_id"] = hazard_id;
  alert["level"] = level;
  alert["occurred_at"] = format_instant(event.occurred_at);
  alert["message"] = message;
  alert["data"] = event_data_to_json(event.data);
  return alert;
}

}  // namespace redline
