#include "base/duration.h"

#include <doctest/doctest.h>

using namespace memconn;
using std::chrono::milliseconds;

namespace {
int64_t ms(std::string_view s) {
  auto r = parse_duration(s);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return r->count();
}
std::string err(std::string_view s) {
  auto r = parse_duration(s);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}
}  // namespace

TEST_CASE("durations: single units") {
  CHECK(ms("500ms") == 500);
  CHECK(ms("30s") == 30'000);
  CHECK(ms("5m") == 300'000);
  CHECK(ms("1h") == 3'600'000);
  CHECK(ms("7d") == 7 * 86'400'000LL);
  CHECK(ms("2w") == 14 * 86'400'000LL);
  CHECK(ms("0s") == 0);
}

TEST_CASE("durations: compound, bare seconds, blanks") {
  CHECK(ms("1h30m") == 5'400'000);
  CHECK(ms("1m500ms") == 60'500);  // "m" followed by "ms" must not be read as minutes twice
  CHECK(ms("45") == 45'000);
  CHECK(ms("  10s ") == 10'000);
}

TEST_CASE("durations: errors quote the text and say what is wrong") {
  CHECK(err("") == "bad duration \"\": empty");
  CHECK(err("5x") == "bad duration \"5x\": unknown unit \"x\" (use ms, s, m, h, d or w)");
  CHECK(err("1h30") == "bad duration \"1h30\": missing unit after 30 (use ms, s, m, h, d or w)");
  CHECK(err("-5s") == "bad duration \"-5s\": must not be negative");
  CHECK(err("1.5h").find("fractions") != std::string::npos);
  CHECK(err("h").find("expected a number") != std::string::npos);
  CHECK(err("5 s") == "bad duration \"5 s\": missing unit after 5 (use ms, s, m, h, d or w)");
  CHECK(err("99999999999999999999s").find("too large") != std::string::npos);
  CHECK(err("9999999999999999w").find("too large") != std::string::npos);
}

TEST_CASE("durations: format is compact and parses back") {
  CHECK(format_duration(milliseconds(0)) == "0s");
  CHECK(format_duration(milliseconds(45'000)) == "45s");
  CHECK(format_duration(milliseconds(5'400'000)) == "1h30m");
  CHECK(format_duration(milliseconds(1500)) == "1s500ms");
  CHECK(format_duration(milliseconds(86'400'000 + 7'200'000)) == "1d2h");
  CHECK(format_duration(milliseconds(-30'000)) == "-30s");
  for (int64_t v : {1LL, 999LL, 61'001LL, 90'061'001LL, 14 * 86'400'000LL}) {
    CHECK(ms(format_duration(milliseconds(v))) == v);
  }
}
