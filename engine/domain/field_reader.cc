#include "engine/domain/field_reader.h"

#include <cmath>

#include "engine/domain/command.h"
#include "events/time.h"

namespace redline {

bool FieldReader::absent(const char* key) const {
  auto found = object_.find(key);
  return found == object_.end() || found->is_null();
}

Status FieldReader::missing(const char* key) const {
  return Status(ErrorCode::missing_field, name(key));
}

Result<std::string> FieldReader::string_value(const char* key) const {
  if (absent(key)) return missing(key);
  const auto& value = object_.at(key);
  if (!value.is_string()) return Status(ErrorCode::invalid_field, name(key) + " must be a string");
  return value.get<std::string>();
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
  if (absent(key)) return missing(key);
  const auto& value = object_.at(key);
  if (!value.is_boolean()) return Status(ErrorCode::invalid_field, name(key) + " must be true or false");
  return value.get<bool>();
}

Result<std::optional<bool>> FieldReader::optional_boolean(const char* key) const {
  if (absent(key)) return std::optional<bool>();
  auto value = boolean(key);
  if (!value.ok()) return value.status();
  return std::optional<bool>(*value);
}

Result<std::uint32_t> FieldReader::count(const char* key, std::uint32_t max) const {
  if (absent(key)) return missing(key);
  const auto& value = object_.at(key);
  if (!value.is_number_integer() || (value.is_number_integer() && !value.is_number_unsigned() &&
                                     value.get<std::int64_t>() < 0)) {
    return Status(ErrorCode::invalid_field, name(key) + " must be a whole number ≥ 0");
  }
  const auto number = value.get<std::uint64_t>();
  if (number > max) {
    return Status(ErrorCode::invalid_field, name(key) + " " + std::to_string(number) +
                                                " is more than " + std::to_string(max));
  }
  return static_cast<std::uint32_t>(number);
}

Result<std::optional<std::uint32_t>> FieldReader::optional_count(const char* key,
                                                                 std::uint32_t max) const {
  if (absent(key)) return std::optional<std::uint32_t>();
  auto value = count(key, max);
  if (!value.ok()) return value.status();
  return std::optional<std::uint32_t>(*value);
}

Result<std::uint64_t> FieldReader::seed(const char* key) const {
  if (absent(key)) return missing(key);
  const auto& value = object_.at(key);
  if (!value.is_number_unsigned()) {
    return Status(ErrorCode::invalid_field, name(key) + " must be a whole number ≥ 0");
  }
  return value.get<std::uint64_t>();
}

Result<double> FieldReader::amount(const char* key) const {
  if (absent(key)) return missing(key);
  const auto& value = object_.at(key);
  if (!value.is_number()) return Status(ErrorCode::invalid_field, name(key) + " must be a number");
  const double number = value.get<double>();
  if (!std::isfinite(number) || number < 0) {
    return Status(ErrorCode::invalid_field, name(key) + " must be ≥ 0");
  }
  return number;
}

Result<const nlohmann::json*> FieldReader::object(const char* key, bool required) const {
  if (absent(key)) {
    if (required) return missing(key);
    return static_cast<const nlohmann::json*>(nullptr);
  }
  const auto& value = object_.at(key);
  if (!value.is_object()) return Status(ErrorCode::invalid_field, name(key) + " must be an object");
  return &value;
}

Result<std::vector<std::string>> FieldReader::id_list(const char* key, bool required) const {
  std::vector<std::string> ids;
  if (absent(key)) {
    if (required) return missing(key);
    return ids;
  }
  const auto& value = object_.at(key);
  if (!value.is_array()) return Status(ErrorCode::invalid_field, name(key) + " must be a list");
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string item_name = name(key) + "[" + std::to_string(i) + "]";
    if (!value[i].is_string() || !is_valid_id(value[i].get<std::string>())) {
      return Status(ErrorCode::invalid_field,
                    item_name + " must be an id of 1-64 characters of A-Z a-z 0-9 _ . -");
    }
    ids.push_back(value[i].get<std::string>());
  }
  return ids;
}

Result<std::vector<MediaItem>> FieldReader::media(const char* key, bool required) const {
  std::vector<MediaItem> items;
  if (absent(key)) {
    if (required) return missing(key);
    return items;
  }
  const auto& value = object_.at(key);
  if (!value.is_array()) return Status(ErrorCode::invalid_field, name(key) + " must be a list");
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string item_name = name(key) + "[" + std::to_string(i) + "]";
    if (!value[i].is_object()) {
      return Status(ErrorCode::invalid_field,
                    item_name + " must be an object {name, format, width, height}");
    }
    FieldReader item(value[i], item_name + ".");
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
