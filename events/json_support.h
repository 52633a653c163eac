// nlohmann::json adapters for Redline's value types: std::optional (null when empty), the
// spec enums (their spellings), Timestamp (ISO-8601 text) and the other strong integers.
// Also REDLINE_FIELDS, which gives a struct its cereal serialize and its JSON rendering from
// one field list. Header-only; thread-safe.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "events/enums.h"
#include "events/strong_types.h"
#include "events/time.h"

namespace nlohmann {
template <class T>
struct adl_serializer<std::optional<T>> {
  template <class BasicJsonType>
  static void to_json(BasicJsonType& j, const std::optional<T>& value) {
    if (value) {
      j = *value;
    } else {
      j = nullptr;
    }
  }
};

// nlohmann would render an enum as its number; ours render as their spec spelling.
template <redline::RedlineEnum E>
struct adl_serializer<E, void> {
  template <class BasicJsonType>
  static void to_json(BasicJsonType& j, E value) {
    j = std::string(redline::to_string(value));
  }
};

template <>
struct adl_serializer<redline::Timestamp, void> {
  template <class BasicJsonType>
  static void to_json(BasicJsonType& j, redline::Timestamp t) {
    j = redline::format_instant(t);
  }
};

template <class Tag, class Rep>
struct adl_serializer<redline::StrongInt<Tag, Rep>, void> {
  template <class BasicJsonType>
  static void to_json(BasicJsonType& j, redline::StrongInt<Tag, Rep> v) {
    j = v.value();
  }
};
}  // namespace nlohmann


// Inside a struct: `REDLINE_FIELDS(Type, a, b, c)` serializes a, b, c in that order with cereal
// (all fields of schema 1) and renders them as JSON keys "a", "b", "c". A type that gains a
// field at schema 2 writes its own serialize instead, reading the new field only when the
// stored schema is ≥ 2 (see DESIGN note in events/event_types.h).
#define REDLINE_FIELDS(Type, ...)                                                   \
  template <class Archive>                                                          \
  void serialize(Archive& archive, std::uint32_t const /*schema*/) {                \
    archive(__VA_ARGS__);                                                           \
  }                                                                                 \
  template <class BasicJsonType>                                                    \
  friend void to_json(BasicJsonType& nlohmann_json_j, const Type& nlohmann_json_t) { \
    nlohmann_json_j = BasicJsonType::object();                                      \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_TO, __VA_ARGS__))        \
  }

// The same for a struct without fields.
#define REDLINE_NO_FIELDS(Type)                                                    \
  template <class Archive>                                                         \
  void serialize(Archive& /*archive*/, std::uint32_t const /*schema*/) {}          \
  template <class BasicJsonType>                                                   \
  friend void to_json(BasicJsonType& j, const Type& /*event*/) {                   \
    j = BasicJsonType::object();                                                   \
  }
