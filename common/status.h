// Status and Result<T>: the one error type of raftlab.
//
// Every fallible function returns a Status (or a Result<T>, a value or a Status). No
// exception crosses a module boundary; the control-plane service turns a Status into a
// grpc::Status at its edge and the CLI turns it into a message and an exit code.
// Values of these types are plain data: copy them freely, no thread-safety concerns.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace raftlab {

enum class Code {
  kOk = 0,
  kInvalidArgument,    // the caller's input is wrong; nothing was changed
  kNotFound,           // a named thing (member, fault, file) does not exist
  kAlreadyExists,      // e.g. `up` while a lab is up
  kFailedPrecondition, // the system is not in a state that allows the call (member down...)
  kUnavailable,        // a peer or daemon cannot be reached
  kTimeout,            // a deadline passed: the outcome is unknown
  kCorruption,         // bad bytes on disk (CRC mismatch, torn record)
  kPermissionDenied,   // not root, no CAP_NET_ADMIN
  kUnsupported,        // the kernel or machine lacks a mechanism
  kInternal,
};

const char* CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "Timeout: etcd did not answer within 5s"
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }
inline Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status Timeout(std::string m) { return {Code::kTimeout, std::move(m)}; }
inline Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
inline Status Unsupported(std::string m) { return {Code::kUnsupported, std::move(m)}; }
inline Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}    // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace raftlab

// Early return of a failed Status from a function returning Status or Result<T>.
#define RL_RETURN_IF_ERROR(expr)            \
  do {                                      \
    ::raftlab::Status _rl_st = (expr);      \
    if (!_rl_st.ok()) return _rl_st;        \
  } while (0)
