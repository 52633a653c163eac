#include "events/event_types.h"

#include <array>
#include <unordered_map>
#include <utility>

namespace redline {
namespace {

template <std::size_t... I>
auto make_emplacers(std::index_sequence<I...>) {
  using Emplacer = void (*)(Event&);
  return std::array<Emplacer, sizeof...(I)>{+[](Event& event) { event.emplace<I>(); }...};
}

template <std::size_t... I>
auto make_names(std::index_sequence<I...>) {
  return std::array<std::string_view, sizeof...(I)>{
      std::variant_alternative_t<I, Event>::kTypeName...};
}

constexpr auto kIndices = std::make_index_sequence<std::variant_size_v<Event>>();

const auto& type_index_by_name() {
  static const auto index = [] {
    std::unordered_map<std::string_view, std::size_t> by_name;
    const auto names = make_names(kIndices);
    for (std::size_t i = 0; i < names.size(); ++i) by_name.emplace(names[i], i);
    return by_name;
  }();
  return index;
}

}  // namespace

std::string_view event_type_name(const Event& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kTypeName; }, event);
}

std::uint32_t current_schema(const Event& event) {
  return std::visit(
      [](const auto& e) { return cereal::detail::Version<std::decay_t<decltype(e)>>::version; },
      event);
}

std::optional<std::size_t> event_type_index(std::string_view type_name) {
  const auto& by_name = type_index_by_name();
  auto found = by_name.find(type_name);
  if (found == by_name.end()) return std::nullopt;
  return found->second;
}

void emplace_default_event(Event& event, std::size_t index) {
  static const auto emplacers = make_emplacers(kIndices);
  emplacers.at(index)(event);
}

bool is_alert_type(std::string_view type_name) {
  return type_name == HazardListed::kTypeName || type_name == DeadlineMissed::kTypeName ||
         type_name == HazardEscalated::kTypeName || type_name == AccountabilityRaised::kTypeName ||
         type_name == ReferredToGovernment::kTypeName ||
         type_name == VerificationOverdue::kTypeName ||
         type_name == SystemicHazardIdentified::kTypeName ||
         type_name == ObligationMissed::kTypeName;
}

}  // namespace redline
