// Minimal streaming JSON writer: appends to a std::string, escapes strings per RFC 8259 and
// replaces invalid UTF-8 with U+FFFD so every body we send is valid JSON.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace memconn {

// Appends s as a quoted JSON string. Returns false if invalid UTF-8 had to be replaced.
bool append_json_string(std::string& out, std::string_view s);
std::string json_quote(std::string_view s);
// True if s is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s);
// Copy of s with every invalid UTF-8 byte replaced by U+FFFD.
std::string repair_utf8(std::string_view s);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(int64_t n);
  JsonWriter& value(int n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(uint64_t n);
  JsonWriter& value(double d);
  JsonWriter& null();
  // The keys every --json document opens with (man page, JSON OUTPUT): the command as typed
  // ("dlq retry"), its result word and the exit status the process ends with.
  JsonWriter& envelope(std::string_view command, std::string_view result, int exit_code);
  // Inserts already-serialized JSON (e.g. a pre-encoded item) as the next value.
  JsonWriter& raw(std::string_view json);

 private:
  void separate();
  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace memconn
