#include "json_out.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace standin {

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void JsonOut::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_member_.empty()) {
    if (has_member_.back()) out_.push_back(',');
    has_member_.back() = true;
  }
}

JsonOut& JsonOut::begin_object() {
  separate();
  out_.push_back('{');
  has_member_.push_back(false);
  return *this;
}

JsonOut& JsonOut::end_object() {
  out_.push_back('}');
  has_member_.pop_back();
  return *this;
}

JsonOut& JsonOut::begin_array() {
  separate();
  out_.push_back('[');
  has_member_.push_back(false);
  return *this;
}

JsonOut& JsonOut::end_array() {
  out_.push_back(']');
  has_member_.pop_back();
  return *this;
}

JsonOut& JsonOut::key(std::string_view k) {
  separate();
  append_json_string(out_, k);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonOut& JsonOut::value(std::string_view s) {
  separate();
  append_json_string(out_, s);
  return *this;
}

JsonOut& JsonOut::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}

JsonOut& JsonOut::value(double d) {
  separate();
  if (!std::isfinite(d)) {
    out_ += "null";
    return *this;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  out_.append(buf, end);
  return *this;
}

JsonOut& JsonOut::value(std::nullptr_t) {
  separate();
  out_ += "null";
  return *this;
}

JsonOut& JsonOut::integer(long long v) {
  separate();
  out_ += std::to_string(v);
  return *this;
}

JsonOut& JsonOut::unsigned_integer(unsigned long long v) {
  separate();
  out_ += std::to_string(v);
  return *this;
}

JsonOut& JsonOut::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

}  // namespace standin
