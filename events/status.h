// Status and Result<T>: how errors cross module boundaries in Redline.
// A Status is a code from the spec's error list (plus a few internal ones) and a message a
// user can act on. Values only; no exceptions cross a module edge. Thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace redline {

// Codes of SPEC §3 first; the rest are internal conditions with their own exit codes (§7).
enum class ErrorCode {
  ok,
  invalid_json,
  unknown_command,
  missing_field,
  invalid_field,
  not_found,
  already_exists,
  invalid_transition,
  forbidden,
  conflict,
  invalid_media,
  too_large,
  storage_error,   // RocksDB failed, or the store is in use by another process. Exit 4.
  corruption,      // stored bytes fail a check (hash, chain, layout). Exit 3.
  config_error,    // a configuration file is unreadable or has a bad key. Exit 2.
  kafka_error,     // the broker is unreachable or refused. Exit 4.
};

std::string_view error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == ErrorCode::ok; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "code: message", for logs and human output.
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::ok;
  std::string message_;
};

// Either a value or a non-ok Status.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace redline

// Early return of a non-ok Status from a function returning Status or Result<T>.
#define REDLINE_RETURN_IF_ERROR(expr)            \
  do {                                           \
    ::redline::Status redline_status_ = (expr);  \
    if (!redline_status_.ok()) return redline_status_; \
  } while (0)

// Unwraps a Result into `target` or returns its Status from the enclosing function.
#define REDLINE_ASSIGN(target, expr)               \
  auto REDLINE_CONCAT(result_, __LINE__) = (expr); \
  if (!REDLINE_CONCAT(result_, __LINE__).ok())     \
    return REDLINE_CONCAT(result_, __LINE__).status(); \
  target = std::move(REDLINE_CONCAT(result_, __LINE__)).value()
#define REDLINE_CONCAT_INNER(a, b) a##b
#define REDLINE_CONCAT(a, b) REDLINE_CONCAT_INNER(a, b)
