#include "events/event_types.h"

#include <array>
#include <cstdint>
#include <vector>
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

// The type names by length: a decode looks its event's type up, and comparing the few names
// of its length costs a third of hashing it into a map.
struct TypeNamesByLength {
  static constexpr std::size_t kLongest = 64;
  std::array<std::string_view, std::variant_size_v<Event>> names;
  std::array<std::vector<std::uint8_t>, kLongest + 1> of_length;  // indices into names
};

const TypeNamesByLength& type_names_by_length() {
  static const TypeNamesByLength table = [] {
    TypeNamesByLength built;
    built.names = make_names(kIndices);
    for (std::size_t i = 0; i < built.names.size(); ++i) {
      built.of_length.at(built.names[i].size()).push_back(static_cast<std::uint8_t>(i));
    }
    return built;
  }();
  return table;
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
  const auto& table = type_names_by_length();
  if (type_name.size() > TypeNamesByLength::kLongest) return std::nullopt;
  for (const std::uint8_t i : table.of_length[type_name.size()]) {
    if (table.names[i] == type_name) return i;
  }
  return std::nullopt;
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
