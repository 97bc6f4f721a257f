// Errors as values: library code returns Result<T>; only the command edge turns an Error
// into a message and an exit code.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace memconn {

struct Error {
  std::string message;  // one line, already names the file/line/field it is about
  int exit_code = 1;    // the documented exit code this error maps to at the edge
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace memconn
