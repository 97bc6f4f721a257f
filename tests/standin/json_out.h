// Streaming JSON writer for stand-in responses. Building replies by hand keeps the retain
// path allocation-light for the throughput benchmark; the writer only tracks commas.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace standin {

class JsonOut {
 public:
  JsonOut& begin_object();
  JsonOut& end_object();
  JsonOut& begin_array();
  JsonOut& end_array();
  JsonOut& key(std::string_view k);

  JsonOut& value(std::string_view s);
  JsonOut& value(const char* s) { return value(std::string_view(s)); }
  JsonOut& value(const std::string& s) { return value(std::string_view(s)); }
  JsonOut& value(bool b);
  JsonOut& value(double d);
  JsonOut& value(std::nullptr_t);
  // Separate template so that string literals never decay to the bool overload.
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>)
  JsonOut& value(T v) {
    if constexpr (std::is_signed_v<T>) return integer(static_cast<long long>(v));
    else return unsigned_integer(static_cast<unsigned long long>(v));
  }
  // Pre-serialised JSON (e.g. a sub-document echoed back unchanged).
  JsonOut& raw(std::string_view json);

  template <class T>
  JsonOut& field(std::string_view k, const T& v) { return key(k).value(v); }
  JsonOut& field(std::string_view k, const char* v) { return key(k).value(v); }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();
  JsonOut& integer(long long v);
  JsonOut& unsigned_integer(unsigned long long v);

  std::string out_;
  std::vector<bool> has_member_;  // one entry per open container
  bool after_key_ = false;
};

// Appends s as a quoted JSON string literal.
void append_json_string(std::string& out, std::string_view s);

}  // namespace standin
