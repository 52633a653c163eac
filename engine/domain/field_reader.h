// FieldReader: typed access to a command's fields with the errors SPEC §3 names
// (`missing_field: hazard_id`, `invalid_field: category 'banana' is not one of …`).
// Reads from a parsed JSON object it does not own (simdjson's DOM: parsing each command line
// into a tree of maps and strings was two fifths of the handling time); thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <simdjson.h>

#include "events/enums.h"
#include "events/event_types.h"
#include "events/status.h"
#include "events/strong_types.h"

namespace redline {

// A value inside a parsed command; valid while the ParsedCommand that owns it lives.
using JsonValue = simdjson::dom::element;

class FieldReader {
 public:
  // `object` must be a JSON object; `prefix` names it in errors ("funding.").
  explicit FieldReader(JsonValue object, std::string prefix = "");

  // Each required reader fails with missing_field when the key is absent or null, and
  // invalid_field when it has the wrong shape; each optional one gives nullopt when absent.
  Result<std::string> id(const char* key) const;  // an id of SPEC §2
  Result<std::optional<std::string>> optional_id(const char* key) const;
  Result<std::string> text(const char* key) const;  // non-empty, valid UTF-8
  Result<std::optional<std::string>> optional_text(const char* key) const;
  Result<std::string> day(const char* key) const;  // YYYY-MM-DD
  Result<Timestamp> instant(const char* key) const;
  Result<bool> boolean(const char* key) const;
  Result<std::optional<bool>> optional_boolean(const char* key) const;
  Result<std::uint32_t> count(const char* key, std::uint32_t max) const;
  Result<std::optional<std::uint32_t>> optional_count(const char* key, std::uint32_t max) const;
  Result<std::uint64_t> seed(const char* key) const;
  Result<double> amount(const char* key) const;  // a finite number ≥ 0
  Result<std::vector<std::string>> id_list(const char* key, bool required) const;
  Result<std::vector<MediaItem>> media(const char* key, bool required) const;
  Result<std::optional<JsonValue>> object(const char* key, bool required) const;
  // A list (required, may be empty) of non-empty strings.
  Result<std::vector<std::string>> text_list(const char* key) const;
  // A list of objects; `shape` describes one in errors ("{name, phone}").
  Result<std::vector<JsonValue>> object_list(const char* key, const char* shape,
                                             bool non_empty) const;

  template <RedlineEnum E>
  Result<E> choice(const char* key) const {
    auto value = string_value(key);
    if (!value.ok()) return value.status();
    auto parsed = parse_enum<E>(*value);
    if (!parsed) {
      return Status(ErrorCode::invalid_field, name(key) + " '" + *value + "' is not one of " +
                                                  enum_choices<E>());
    }
    return *parsed;
  }
  template <RedlineEnum E>
  Result<std::optional<E>> optional_choice(const char* key) const {
    if (absent(key)) return std::optional<E>();
    auto value = choice<E>(key);
    if (!value.ok()) return value.status();
    return std::optional<E>(*value);
  }

  bool absent(const char* key) const;
  std::string name(const char* key) const { return prefix_ + key; }

 private:
  Result<std::string> string_value(const char* key) const;
  Status missing(const char* key) const;
  // The value under key; nullopt when absent or null.
  std::optional<JsonValue> find(const char* key) const;
  Result<simdjson::dom::array> list(const char* key) const;  // present, and a list
  std::string item_name(const char* key, std::size_t index) const;

  simdjson::dom::object object_;
  bool is_object_ = false;
  std::string prefix_;
};

}  // namespace redline
