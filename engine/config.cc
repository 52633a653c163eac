#include "engine/config.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace redline {
namespace {

Status config_error(const std::string& source, const std::string& message) {
  return Status(ErrorCode::config_error, source + ": " + message);
}

// Reads typed keys of one table and rejects the keys it was not asked about.
class TableReader {
 public:
  TableReader(const toml::table* table, std::string name, const std::string& source)
      : table_(table), name_(std::move(name)), source_(source) {}

  Status read_bool(const char* key, bool* out) {
    return read<bool>(key, out, "a boolean");
  }
  Status read_string(const char* key, std::string* out) {
    return read<std::string>(key, out, "a string");
  }
  Status read_positive_int(const char* key, std::int32_t* out) {
    std::int64_t value = *out;
    REDLINE_RETURN_IF_ERROR(read<std::int64_t>(key, &value, "an integer"));
    if (value < 1 || value > 1'000'000) {
      return config_error(source_, name_ + "." + key + " must be between 1 and 1000000, got " +
                                       std::to_string(value));
    }
    *out = static_cast<std::int32_t>(value);
    return Status::Ok();
  }
  // A string array whose items are all spellings of E, e.g. ["institution", "county"].
  template <RedlineEnum E>
  Status read_enum_list(const char* key, std::vector<E>* out) {
    known_.insert(key);
    if (table_ == nullptr) return Status::Ok();
    const toml::node* node = table_->get(key);
    if (node == nullptr) return Status::Ok();
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      return config_error(source_, name_ + "." + key + " must be an array of strings");
    }
    std::vector<E> values;
    for (const toml::node& item : *array) {
      auto text = item.value<std::string>();
      if (!item.is_string() || !text) {
        return config_error(source_, name_ + "." + key + " must be an array of strings");
      }
      auto value = parse_enum<E>(*text);
      if (!value) {
        return config_error(source_, name_ + "." + key + ": '" + *text + "' is not one of " +
                                         enum_choices<E>());
      }
      values.push_back(*value);
    }
    *out = std::move(values);
    return Status::Ok();
  }
  template <RedlineEnum E>
  Status read_enum(const char* key, E* out) {
    std::string text(to_string(*out));
    REDLINE_RETURN_IF_ERROR(read_string(key, &text));
    auto value = parse_enum<E>(text);
    if (!value) {
      return config_error(source_, name_ + "." + key + ": '" + text + "' is not one of " +
                                       enum_choices<E>());
    }
    *out = *value;
    return Status::Ok();
  }
  Status error(const char* key, const std::string& problem) const {
    return config_error(source_, name_ + "." + key + " " + problem);
  }

  Status reject_unknown() const {
    if (table_ == nullptr) return Status::Ok();
    for (const auto& [key, node] : *table_) {
      if (known_.count(std::string(key.str())) == 0) {
        return config_error(source_, "unknown key " + name_ + "." + std::string(key.str()));
      }
    }
    return Status::Ok();
  }

 private:
  template <class T>
  Status read(const char* key, T* out, const char* kind) {
    known_.insert(key);
    if (table_ == nullptr) return Status::Ok();
    const toml::node* node = table_->get(key);
    if (node == nullptr) return Status::Ok();
    auto value = node->value<T>();
    if (!value || (std::is_same_v<T, std::int64_t> && !node->is_integer()) ||
        (std::is_same_v<T, bool> && !node->is_boolean())) {
      return config_error(source_, name_ + "." + key + " must be " + kind);
    }
    *out = *value;
    return Status::Ok();
  }

  const toml::table* table_;
  std::string name_;
  const std::string& source_;
  std::set<std::string> known_;
};

// Escalation climbs the ladder from institution, one rung per step.
Status check_ladder(const TableReader& rules, const std::vector<EscalationLevel>& ladder) {
  if (ladder.empty() || ladder.front() != EscalationLevel::institution) {
    return rules.error("escalation_ladder", "must start with \"institution\"");
  }
  for (std::size_t i = 1; i < ladder.size(); ++i) {
    if (ladder[i] <= ladder[i - 1]) {
      return rules.error("escalation_ladder",
                         "must list levels from lowest to highest without repeats "
                         "(institution, county, city, government); '" +
                             std::string(to_string(ladder[i])) + "' comes after '" +
                             std::string(to_string(ladder[i - 1])) + "'");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Config> parse_config(std::string_view toml_text, const std::string& source) {
  Config config;
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << e.source().begin;
    return config_error(source, std::string(e.description()) + " at " + where.str());
  }
  for (const auto& [key, node] : root) {
    const std::string name(key.str());
    if (name != "store" && name != "kafka" && name != "rules" && name != "projections") {
      return config_error(source, "unknown table [" + name + "]");
    }
    if (!node.is_table()) return config_error(source, name + " must be a table");
  }

  TableReader store(root["store"].as_table(), "store", source);
  REDLINE_RETURN_IF_ERROR(store.read_bool("sync", &config.store.sync));
  REDLINE_RETURN_IF_ERROR(store.reject_unknown());

  TableReader kafka(root["kafka"].as_table(), "kafka", source);
  REDLINE_RETURN_IF_ERROR(kafka.read_string("brokers", &config.kafka.brokers));
  REDLINE_RETURN_IF_ERROR(kafka.read_string("events_topic", &config.kafka.events_topic));
  REDLINE_RETURN_IF_ERROR(kafka.read_string("alerts_topic", &config.kafka.alerts_topic));
  REDLINE_RETURN_IF_ERROR(kafka.read_positive_int("partitions", &config.kafka.partitions));
  REDLINE_RETURN_IF_ERROR(
      kafka.read_positive_int("replication_factor", &config.kafka.replication_factor));
  REDLINE_RETURN_IF_ERROR(
      kafka.read_positive_int("min_insync_replicas", &config.kafka.min_insync_replicas));
  if (config.kafka.min_insync_replicas > config.kafka.replication_factor) {
    return config_error(source, "kafka.min_insync_replicas (" + std::to_string(config.kafka.min_insync_replicas) +
                                    ") is larger than kafka.replication_factor (" +
                                    std::to_string(config.kafka.replication_factor) + ")");
  }
  REDLINE_RETURN_IF_ERROR(
      kafka.read_positive_int("retry_backoff_max_ms", &config.kafka.retry_backoff_max_ms));
  REDLINE_RETURN_IF_ERROR(kafka.read_positive_int("drain_ms", &config.kafka.drain_ms));
  REDLINE_RETURN_IF_ERROR(kafka.reject_unknown());

  TableReader projections(root["projections"].as_table(), "projections", source);
  REDLINE_RETURN_IF_ERROR(
      projections.read_positive_int("snapshot_every", &config.projections.snapshot_every));
  REDLINE_RETURN_IF_ERROR(projections.reject_unknown());

  TableReader rules(root["rules"].as_table(), "rules", source);
  RulesConfig& r = config.rules;
  REDLINE_RETURN_IF_ERROR(
      rules.read_positive_int("general_rectification_days", &r.general_rectification_days));
  REDLINE_RETURN_IF_ERROR(rules.read_positive_int("major_plan_days", &r.major_plan_days));
  REDLINE_RETURN_IF_ERROR(
      rules.read_positive_int("major_rectification_days", &r.major_rectification_days));
  REDLINE_RETURN_IF_ERROR(
      rules.read_positive_int("escalation_interval_days", &r.escalation_interval_days));
  REDLINE_RETURN_IF_ERROR(rules.read_positive_int("verification_days", &r.verification_days));
  REDLINE_RETURN_IF_ERROR(rules.read_positive_int("systemic_threshold", &r.systemic_threshold));
  REDLINE_RETURN_IF_ERROR(
      rules.read_positive_int("systemic_window_days", &r.systemic_window_days));
  REDLINE_RETURN_IF_ERROR(rules.read_enum_list("escalation_ladder", &r.escalation_ladder));
  REDLINE_RETURN_IF_ERROR(rules.read_enum("major_listing_level", &r.major_listing_level));
  REDLINE_RETURN_IF_ERROR(
      rules.read_positive_int("summary_photo_min_width", &r.summary_photo_min_width));
  REDLINE_RETURN_IF_ERROR(
      rules.read_positive_int("summary_photo_min_height", &r.summary_photo_min_height));
  REDLINE_RETURN_IF_ERROR(
      rules.read_positive_int("summary_video_min_width", &r.summary_video_min_width));
  REDLINE_RETURN_IF_ERROR(
      rules.read_positive_int("summary_video_min_height", &r.summary_video_min_height));
  REDLINE_RETURN_IF_ERROR(rules.reject_unknown());
  REDLINE_RETURN_IF_ERROR(check_ladder(rules, r.escalation_ladder));
  return config;
}

Result<Config> load_config(const std::string& path, bool must_exist) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (must_exist) return config_error(path, "configuration file not found");
    return Config{};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return config_error(path, "cannot read configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

}  // namespace redline
