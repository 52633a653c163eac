#include "projections/declarative.h"

#include <toml++/toml.h>

#include <cmath>
#include <sstream>

#include "engine/domain/command.h"
#include "engine/replay.h"
#include "events/event_types.h"
#include "events/json.h"
#include "events/time.h"

namespace redline {
namespace {

Status bad(const std::string& key, const std::string& problem) {
  return Status(ErrorCode::invalid_field, key + ": " + problem);
}

Result<std::vector<std::string>> string_list(const toml::table& table, const char* key,
                                             bool required) {
  std::vector<std::string> items;
  const toml::node* node = table.get(key);
  if (node == nullptr) {
    if (required) return Status(ErrorCode::missing_field, key);
    return items;
  }
  const toml::array* array = node->as_array();
  if (array == nullptr) return bad(key, "must be a list of strings");
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto* text = (*array)[i].as_string();
    if (text == nullptr || text->get().empty()) {
      return bad(std::string(key) + "[" + std::to_string(i) + "]", "must be a non-empty string");
    }
    items.push_back(text->get());
  }
  return items;
}

// A field path into the event's JSON rendering: dot-separated object keys.
const nlohmann::ordered_json* at_path(const nlohmann::ordered_json& root, std::string_view path) {
  const nlohmann::ordered_json* node = &root;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const std::string part(path.substr(0, dot));
    if (!node->is_object()) return nullptr;
    auto found = node->find(part);
    if (found == node->end()) return nullptr;
    node = &*found;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return node;
}

bool valid_path(std::string_view path) {
  if (path.empty() || path.front() == '.' || path.back() == '.') return false;
  return path.find("..") == std::string_view::npos;
}

std::string bucket_of(Timestamp at, DeclarativeDefinition::Bucket bucket) {
  constexpr std::int64_t kDayMs = 86'400'000;
  std::int64_t days = at.value() / kDayMs - (at.value() % kDayMs < 0 ? 1 : 0);
  if (bucket == DeclarativeDefinition::Bucket::week) {
    days -= ((days + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday; weeks start on Monday
  }
  std::string day = format_day(Timestamp(days * kDayMs));
  if (bucket == DeclarativeDefinition::Bucket::month) day.replace(8, 2, "01");
  return day;
}

// Folds matching events into groups; shared by `run` (in memory) and the maintained
// projection (in its keys).
class Evaluator {
 public:
  explicit Evaluator(const DeclarativeDefinition& definition) : d_(definition) {
    auto note = [this](std::string_view path) {
      if (path.substr(0, path.find('.')) != "data") data_only_ = false;
    };
    for (const auto& [path, expected] : d_.where) note(path);
    for (const auto& path : d_.group_by) note(path);
    if (!d_.measure_path.empty()) note(d_.measure_path);
  }

  struct Contribution {
    std::string group;  // the group key's JSON
    nlohmann::json measured;  // count: 1; sum: the number; distinct: the value
  };

  // What the event adds, if it matches.
  std::optional<Contribution> contribution(const Envelope& event) const {
    if (!d_.events.contains(event_type_name(event.data))) return std::nullopt;
    // Only the event's data when every path is under `data` (the usual case): rendering
    // the whole envelope (hashes, times) was most of the cost.
    nlohmann::ordered_json rendered;
    if (data_only_) {
      rendered["data"] = event_data_to_json(event.data);
    } else {
      rendered = envelope_to_json(event);
    }
    for (const auto& [path, expected] : d_.where) {
      const auto* value = at_path(rendered, path);
      if (value == nullptr || nlohmann::json(*value) != expected) return std::nullopt;
    }
    nlohmann::ordered_json key = nlohmann::ordered_json::object();
    for (const auto& path : d_.group_by) {
      const auto* value = at_path(rendered, path);
      key[path] = value == nullptr ? nlohmann::ordered_json() : *value;
    }
    if (d_.bucket != DeclarativeDefinition::Bucket::none) {
      key["bucket"] = bucket_of(event.occurred_at, d_.bucket);
    }
    Contribution c{key.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 1};
    if (d_.measure != DeclarativeDefinition::Measure::count) {
      const auto* value = at_path(rendered, d_.measure_path);
      if (value == nullptr || value->is_null()) return std::nullopt;
      if (d_.measure == DeclarativeDefinition::Measure::sum && !value->is_number()) {
        return std::nullopt;
      }
      c.measured = nlohmann::json(*value);
    }
    return c;
  }

 private:
  const DeclarativeDefinition& d_;
  bool data_only_ = true;
};

nlohmann::json add_values(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    return a.get<std::int64_t>() + b.get<std::int64_t>();
  }
  return a.get<double>() + b.get<double>();
}

std::vector<DeclarativeRow> sorted_rows(const std::map<std::string, nlohmann::json>& groups) {
  std::vector<DeclarativeRow> rows;
  for (const auto& [group, value] : groups) {
    rows.push_back(DeclarativeRow{nlohmann::ordered_json::parse(group), value});
  }
  // By key: the group's values in group_by order (then the bucket), as JSON compares them.
  std::sort(rows.begin(), rows.end(), [](const DeclarativeRow& a, const DeclarativeRow& b) {
    std::vector<nlohmann::json> ka, kb;
    for (const auto& [k, v] : a.key.items()) ka.emplace_back(v);
    for (const auto& [k, v] : b.key.items()) kb.emplace_back(v);
    return ka < kb;
  });
  return rows;
}

class DeclarativeProjection final : public Projection {
 public:
  explicit DeclarativeProjection(DeclarativeDefinition definition)
      : definition_(std::move(definition)), evaluator_(definition_) {}
  std::string name() const override { return definition_.name; }
  bool needs_data(std::string_view, std::string_view type) const override {
    return definition_.events.contains(type);
  }

  Status apply(const Envelope& event, ProjectionBatch& batch) override {
    auto c = evaluator_.contribution(event);
    if (!c) return Status::Ok();
    const std::string key = "g/" + c->group;
    nlohmann::json increment = c->measured;
    if (definition_.measure == DeclarativeDefinition::Measure::distinct) {
      const std::string seen = "d/" + c->group + std::string(1, '\0') + c->measured.dump();
      auto stored = batch.get(seen);
      if (!stored.ok()) return stored.status();
      if (stored->has_value()) return Status::Ok();
      batch.put(seen, "");
      increment = 1;
    }
    auto stored = batch.get(key);
    if (!stored.ok()) return stored.status();
    nlohmann::json value = increment;
    if (stored->has_value()) {
      auto previous = nlohmann::json::parse(**stored, nullptr, false);
      if (previous.is_discarded() || !previous.is_number()) {
        return Status(ErrorCode::corruption, "stored value of " + definition_.name + " is unreadable");
      }
      value = add_values(previous, increment);
    }
    batch.put(key, value.dump());
    return Status::Ok();
  }

 private:
  DeclarativeDefinition definition_;
  Evaluator evaluator_;
};

}  // namespace

Result<DeclarativeDefinition> parse_declarative(std::string_view toml_text) {
  toml::table table;
  try {
    table = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << e.source().begin;
    return Status(ErrorCode::invalid_json, std::string("not valid TOML (") + where.str() +
                                               "): " + std::string(e.description()));
  }
  static const std::set<std::string> kKeys{"name", "events", "where", "group_by", "measure", "bucket"};
  for (const auto& [key, value] : table) {
    if (!kKeys.contains(std::string(key.str()))) {
      return bad(std::string(key.str()), "unknown key (expected name, events, where, group_by, measure, bucket)");
    }
  }
  DeclarativeDefinition d;
  const auto* name = table.get_as<std::string>("name");
  if (table.get("name") == nullptr) return Status(ErrorCode::missing_field, "name");
  if (name == nullptr || !is_valid_id(name->get())) {
    return bad("name", "must be an id of 1-64 characters of A-Z a-z 0-9 _ . -");
  }
  d.name = name->get();
  if (is_builtin_projection(d.name)) return bad("name", "'" + d.name + "' is a built-in projection");

  auto events = string_list(table, "events", /*required=*/true);
  if (!events.ok()) return events.status();
  if (events->empty()) return bad("events", "must name at least one event type");
  for (const auto& type : *events) {
    if (!event_type_index(type)) return bad("events", "'" + type + "' is not an event type");
    d.events.insert(type);
  }

  if (const toml::node* where = table.get("where")) {
    const toml::table* filters = where->as_table();
    if (filters == nullptr) return bad("where", "must be a table of \"path\" = value");
    for (const auto& [path, value] : *filters) {
      const std::string key = "where." + std::string(path.str());
      if (!valid_path(path.str())) return bad(key, "is not a field path");
      nlohmann::json expected;
      if (const auto* s = value.as_string()) {
        expected = s->get();
      } else if (const auto* i = value.as_integer()) {
        expected = i->get();
      } else if (const auto* f = value.as_floating_point()) {
        expected = f->get();
      } else if (const auto* b = value.as_boolean()) {
        expected = b->get();
      } else {
        return bad(key, "must be a string, number or boolean");
      }
      d.where.emplace_back(std::string(path.str()), std::move(expected));
    }
  }

  auto group_by = string_list(table, "group_by", /*required=*/false);
  if (!group_by.ok()) return group_by.status();
  for (const auto& path : *group_by) {
    if (!valid_path(path) || path == "bucket") return bad("group_by", "'" + path + "' is not a field path");
  }
  d.group_by = std::move(group_by).value();

  if (const toml::node* node = table.get("measure")) {
    const auto* measure = node->as_string();
    const std::string text = measure == nullptr ? std::string() : measure->get();
    if (text == "count") {
      d.measure = DeclarativeDefinition::Measure::count;
    } else if (text.starts_with("sum:") && valid_path(text.substr(4))) {
      d.measure = DeclarativeDefinition::Measure::sum;
      d.measure_path = text.substr(4);
    } else if (text.starts_with("distinct:") && valid_path(text.substr(9))) {
      d.measure = DeclarativeDefinition::Measure::distinct;
      d.measure_path = text.substr(9);
    } else {
      return bad("measure", "'" + text + "' is not count, sum:PATH or distinct:PATH");
    }
  }

  if (const toml::node* node = table.get("bucket")) {
    const auto* bucket = node->as_string();
    const std::string text = bucket == nullptr ? std::string() : bucket->get();
    if (text == "day") {
      d.bucket = DeclarativeDefinition::Bucket::day;
    } else if (text == "week") {
      d.bucket = DeclarativeDefinition::Bucket::week;
    } else if (text == "month") {
      d.bucket = DeclarativeDefinition::Bucket::month;
    } else {
      return bad("bucket", "'" + text + "' is not day, week or month");
    }
  }
  return d;
}

Result<DeclarativeResult> run_declarative(const EventStore& store,
                                          const DeclarativeDefinition& definition) {
  Evaluator evaluator(definition);
  std::map<std::string, nlohmann::json> groups;
  std::set<std::pair<std::string, std::string>> seen;  // distinct: (group, value)
  const Position head = store.head().position;
  Status replayed = replay(store, Position(1), [&](const Envelope& event) {
    if (event.position > head) return false;
    auto c = evaluator.contribution(event);
    if (!c) return true;
    nlohmann::json increment = c->measured;
    if (definition.measure == DeclarativeDefinition::Measure::distinct) {
      if (!seen.emplace(c->group, c->measured.dump()).second) return true;
      increment = 1;
    }
    auto [it, inserted] = groups.emplace(c->group, increment);
    if (!inserted) it->second = add_values(it->second, increment);
    return true;
  }, [&definition](const Envelope&, std::string_view type) {
    return definition.events.contains(type);  // the other events' data is never read
  });
  if (!replayed.ok()) return replayed;
  return DeclarativeResult{definition.name, head, sorted_rows(groups)};
}

std::unique_ptr<Projection> make_declarative_projection(const DeclarativeDefinition& definition) {
  return std::make_unique<DeclarativeProjection>(definition);
}

Result<std::vector<DeclarativeRow>> declarative_rows_from_keys(
    const std::vector<std::pair<std::string, std::string>>& group_values) {
  std::map<std::string, nlohmann::json> groups;
  for (const auto& [group, value] : group_values) {
    auto parsed = nlohmann::json::parse(value, nullptr, false);
    if (parsed.is_discarded() || !nlohmann::json::accept(group)) {
      return Status(ErrorCode::corruption, "stored declarative projection row is unreadable");
    }
    groups.emplace(group, std::move(parsed));
  }
  return sorted_rows(groups);
}

nlohmann::ordered_json declarative_json(const DeclarativeResult& result) {
  nlohmann::ordered_json out;
  out["name"] = result.name;
  out["position"] = result.position.value();
  out["rows"] = nlohmann::ordered_json::array();
  for (const auto& row : result.rows) {
    out["rows"].push_back({{"key", row.key}, {"value", row.value}});
  }
  return out;
}

std::string declarative_csv(const DeclarativeResult& result) {
  auto cell = [](const nlohmann::ordered_json& value) {
    std::string text = value.is_string() ? value.get<std::string>() : value.is_null() ? "" : value.dump();
    if (text.find_first_of(",\"\n\r") != std::string::npos) {
      std::string quoted = "\"";
      for (char c : text) {
        if (c == '"') quoted.push_back('"');
        quoted.push_back(c);
      }
      return quoted + "\"";
    }
    return text;
  };
  std::string out;
  if (!result.rows.empty()) {
    for (const auto& [key, value] : result.rows.front().key.items()) out.append(cell(key)).push_back(',');
  }
  out.append("value\n");
  for (const auto& row : result.rows) {
    for (const auto& [key, value] : row.key.items()) out.append(cell(value)).push_back(',');
    out.append(cell(row.value)).push_back('\n');
  }
  return out;
}

}  // namespace redline
