#include "events/status.h"

namespace redline {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::ok: return "ok";
    case ErrorCode::invalid_json: return "invalid_json";
    case ErrorCode::unknown_command: return "unknown_command";
    case ErrorCode::missing_field: return "missing_field";
    case ErrorCode::invalid_field: return "invalid_field";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::already_exists: return "already_exists";
    case ErrorCode::invalid_transition: return "invalid_transition";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::invalid_media: return "invalid_media";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::storage_error: return "storage_error";
    case ErrorCode::corruption: return "corruption";
    case ErrorCode::config_error: return "config_error";
    case ErrorCode::kafka_error: return "kafka_error";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  return std::string(error_code_name(code_)) + ": " + message_;
}

}  // namespace redline
