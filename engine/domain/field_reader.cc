#include "engine/domain/field_reader.h"

#include <cmath>

#include "engine/domain/command.h"
#include "events/time.h"

namespace redline {

FieldReader::FieldReader(JsonValue object, std::string prefix) : prefix_(std::move(prefix)) {
  // A caller hands over an object; anything else reads as an object with no fields.
  is_object_ = object.get_object().get(object_) == simdjson::SUCCESS;
}

std::optional<JsonValue> FieldReader::find(const char* key) const {
  JsonValue value;
  if (!is_object_ || object_.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) return std::nullopt;
  return value;
}

bool FieldReader::absent(const char* key) const { return !find(key).has_value(); }

Status FieldReader::missing(const char* key) const {
  return Status(ErrorCode::missing_field, name(key));
}

std::string FieldReader::item_name(const char* key, std::size_t index) const {
  return name(key) + "[" + std::to_string(index) + "]";
}

Result<std::string> FieldReader::string_value(const char* key) const {
  auto value = find(key);
  if (!value) return missing(key);
  std::string_view text;
  if (value->get_string().get(text) != simdjson::SUCCESS) {
    return Status(ErrorCode::invalid_field, name(key) + " must be a string");
  }
  return std::string(text);
}

Result<std::string> FieldReader::id(const char* key) const {
  auto value = string_value(key);
  if (!value.ok()) return value.status();
  if (!is_valid_id(*value)) {
    return Status(ErrorCode::invalid_field,
                  name(key) + " '" + *value + "' must be 1-64 characters of A-Z a-z 0-9 _ . -");
  }
  return value;
}

Result<std::optional<std::string>> FieldReader::optional_id(const char* key) const {
  if (absent(key)) return std::optional<std::string>();
  auto value = id(key);
  if (!value.ok()) return value.status();
  return std::optional<std::string>(std::move(value).value());
}

Result<std::string> FieldReader::text(const char* key) const {
  auto value = string_value(key);
  if (!value.ok()) return value.status();
  if (value->empty()) return Status(ErrorCode::invalid_field, name(key) + " must not be empty");
  if (value->find('\0') != std::string::npos) {
    return Status(ErrorCode::invalid_field, name(key) + " must not contain NUL characters");
  }
  return value;
}

Result<std::optional<std::string>> FieldReader::optional_text(const char* key) const {
  if (absent(key)) return std::optional<std::string>();
  auto value = text(key);
  if (!value.ok()) return value.status();
  return std::optional<std::string>(std::move(value).value());
}

Result<std::string> FieldReader::day(const char* key) const {
  auto value = string_value(key);
  if (!value.ok()) return value.status();
  if (!parse_day(*value)) {
    return Status(ErrorCode::invalid_field,
                  name(key) + " '" + *value + "' is not a day (YYYY-MM-DD)");
  }
  return value;
}

Result<Timestamp> FieldReader::instant(const char* key) const {
  auto value = string_value(key);
  if (!value.ok()) return value.status();
  auto parsed = parse_instant(*value);
  if (!parsed) {
    return Status(ErrorCode::invalid_field, name(key) + " '" + *value +
                                                "' is not an ISO-8601 UTC time "
                                                "(2026-06-03T09:00:00Z)");
  }
  return *parsed;
}

Result<bool> FieldReader::boolean(const char* key) const {
  auto value = find(key);
  if (!value) return missing(key);
  bool flag = false;
  if (value->get_bool().get(flag) != simdjson::SUCCESS) {
    return Status(ErrorCode::invalid_field, name(key) + " must be true or false");
  }
  return flag;
}

Result<std::optional<bool>> FieldReader::optional_boolean(const char* key) const {
  if (absent(key)) return std::optional<bool>();
  auto value = boolean(key);
  if (!value.ok()) return value.status();
  return std::optional<bool>(*value);
}

Result<std::uint32_t> FieldReader::count(const char* key, std::uint32_t max) const {
  auto value = seed(key);
  if (!value.ok()) return value.status();
  if (*value > max) {
    return Status(ErrorCode::invalid_field, name(key) + " " + std::to_string(*value) +
                                                " is more than " + std::to_string(max));
  }
  return static_cast<std::uint32_t>(*value);
}

Result<std::optional<std::uint32_t>> FieldReader::optional_count(const char* key,
                                                                 std::uint32_t max) const {
  if (absent(key)) return std::optional<std::uint32_t>();
  auto value = count(key, max);
  if (!value.ok()) return value.status();
  return std::optional<std::uint32_t>(*value);
}

Result<std::uint64_t> FieldReader::seed(const char* key) const {
  auto value = find(key);
  if (!value) return missing(key);
  // The parser stores a non-negative integer as int64 when it fits, else as uint64.
  std::uint64_t number = 0;
  if (value->get_uint64().get(number) != simdjson::SUCCESS) {
    return Status(ErrorCode::invalid_field, name(key) + " must be a whole number ≥ 0");
  }
  return number;
}

Result<double> FieldReader::amount(const char* key) const {
  auto value = find(key);
  if (!value) return missing(key);
  double number = 0;
  if (value->get_double().get(number) != simdjson::SUCCESS) {  // integers convert
    return Status(ErrorCode::invalid_field, name(key) + " must be a number");
  }
  if (!std::isfinite(number) || number < 0) {
    return Status(ErrorCode::invalid_field, name(key) + " must be ≥ 0");
  }
  return number;
}

Result<std::optional<JsonValue>> FieldReader::object(const char* key, bool required) const {
  auto value = find(key);
  if (!value) {
    if (required) return missing(key);
    return std::optional<JsonValue>();
  }
  if (!value->is_object()) return Status(ErrorCode::invalid_field, name(key) + " must be an object");
  return value;
}

Result<simdjson::dom::array> FieldReader::list(const char* key) const {
  auto value = find(key);
  if (!value) return missing(key);
  simdjson::dom::array items;
  if (value->get_array().get(items) != simdjson::SUCCESS) {
    return Status(ErrorCode::invalid_field, name(key) + " must be a list");
  }
  return items;
}

Result<std::vector<std::string>> FieldReader::id_list(const char* key, bool required) const {
  std::vector<std::string> ids;
  if (!required && absent(key)) return ids;
  auto items = list(key);
  if (!items.ok()) return items.status();
  std::size_t index = 0;
  for (JsonValue item : *items) {
    std::string_view id;
    if (item.get_string().get(id) != simdjson::SUCCESS || !is_valid_id(id)) {
      return Status(ErrorCode::invalid_field, item_name(key, index) +
                                                  " must be an id of 1-64 characters of "
                                                  "A-Z a-z 0-9 _ . -");
    }
    ids.emplace_back(id);
    ++index;
  }
  return ids;
}

Result<std::vector<std::string>> FieldReader::text_list(const char* key) const {
  // Present (possibly empty: a self-inspection has no other agencies), of non-empty strings.
  auto items = list(key);
  if (!items.ok()) return items.status();
  std::vector<std::string> texts;
  std::size_t index = 0;
  for (JsonValue item : *items) {
    std::string_view text;
    if (item.get_string().get(text) != simdjson::SUCCESS || text.empty()) {
      return Status(ErrorCode::invalid_field,
                    item_name(key, index) + " must be a non-empty string");
    }
    texts.emplace_back(text);
    ++index;
  }
  return texts;
}

Result<std::vector<JsonValue>> FieldReader::object_list(const char* key, const char* shape,
                                                        bool non_empty) const {
  auto items = list(key);
  if (!items.ok()) return items.status();
  std::vector<JsonValue> objects;
  for (JsonValue item : *items) {
    if (!item.is_object()) {
      return Status(ErrorCode::invalid_field,
                    item_name(key, objects.size()) + " must be an object " + shape);
    }
    objects.push_back(item);
  }
  if (non_empty && objects.empty()) {
    return Status(ErrorCode::invalid_field,
                  name(key) + " must be a non-empty list of " + shape);
  }
  return objects;
}

Result<std::vector<MediaItem>> FieldReader::media(const char* key, bool required) const {
  std::vector<MediaItem> items;
  if (!required && absent(key)) return items;
  auto objects = object_list(key, "{name, format, width, height}", /*non_empty=*/false);
  if (!objects.ok()) return objects.status();
  for (std::size_t i = 0; i < objects->size(); ++i) {
    FieldReader item((*objects)[i], item_name(key, i) + ".");
    MediaItem media_item;
    auto media_name = item.text("name");
    if (!media_name.ok()) return media_name.status();
    auto format = item.choice<MediaFormat>("format");
    if (!format.ok()) return format.status();
    auto width = item.count("width", 100'000);
    if (!width.ok()) return width.status();
    auto height = item.count("height", 100'000);
    if (!height.ok()) return height.status();
    items.push_back(MediaItem{*media_name, *format, *width, *height});
  }
  return items;
}

}  // namespace redline
