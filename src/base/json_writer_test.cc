#include "base/json_writer.h"

#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("json strings escape quotes, backslashes and control characters") {
  CHECK(json_quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_quote("l1\nl2\t\r") == "\"l1\\nl2\\t\\r\"");
  CHECK(json_quote(std::string_view("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  CHECK(json_quote(std::string_view("a\0b", 3)) == "\"a\\u0000b\"");
}

TEST_CASE("valid UTF-8 passes through untouched") {
  CHECK(json_quote("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  CHECK(is_valid_utf8("caf\xC3\xA9"));
}

TEST_CASE("invalid UTF-8 is replaced with U+FFFD and reported") {
  std::string out;
  CHECK_FALSE(append_json_string(out, "a\xFF" "b"));
  CHECK(out == "\"a\xEF\xBF\xBD" "b\"");
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
}

TEST_CASE("writer places commas between members and elements") {
  std::string s;
  JsonWriter w(s);
  w.begin_object().key("a").value(1).key("b").begin_array().value("x").value(true).null().end_array()
      .key("c").begin_object().end_object().end_object();
  CHECK(s == R"({"a":1,"b":["x",true,null],"c":{}})");
}

namespace {
// The byte-at-a-time rule the word-at-a-time scan must agree with.
std::string escape_slowly(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == '\b') out += "\\b";
    else if (c == '\f') out += "\\f";
    else if (c < 0x20) out += std::string("\\u00") + kHex[c >> 4] + kHex[c & 0xF];
    else out += static_cast<char>(c);
  }
  return out + "\"";
}
}  // namespace

TEST_CASE("json strings: every ASCII byte at every place in a long string escapes as byte by byte") {
  for (int c = 0; c < 0x80; ++c)
    for (size_t at = 0; at < 24; ++at) {
      std::string s(24, 'a');
      s[at] = static_cast<char>(c);
      INFO("byte " << c << " at " << at);
      REQUIRE(json_quote(s) == escape_slowly(s));
    }
}

TEST_CASE("UTF-8 check: a bad byte after long ASCII runs is still found") {
  for (size_t at = 0; at < 24; ++at) {
    std::string s(24, 'x');
    s[at] = '\xFF';
    INFO("at " << at);
    CHECK_FALSE(is_valid_utf8(s));
    std::string ok(24, 'x');
    ok.replace(at, 1, "\xC3\xA9");  // a valid two-byte letter anywhere keeps it valid
    CHECK(is_valid_utf8(ok));
  }
}
