#include "base/iso_time.h"

#include <doctest/doctest.h>

using namespace memconn;
using namespace std::chrono;

namespace {
SysTime at(std::string_view s) {
  auto t = parse_iso8601(s);
  REQUIRE_MESSAGE(t.has_value(), s);
  return *t;
}
}  // namespace

TEST_CASE("iso time: the dialects sources write all mean the same instant") {
  auto z = at("2024-01-19T07:28:08Z");
  CHECK(at("2024-01-19T07:28:08") == z);          // no zone: UTC, as the Go client reads it
  CHECK(at("2024-01-19 07:28:08") == z);
  CHECK(at("2024-01-19T08:28:08+01:00") == z);
  CHECK(at("2024-01-19T02:28:08-0500") == z);
  CHECK(at("2024-01-19T07:28:08.250Z") == z + 250ms);
  CHECK(at("2024-01-19T07:28:08.123456+00:00") == z + 123ms);  // beyond milliseconds: truncated
  CHECK(at("2024-01-19") == at("2024-01-19T00:00:00Z"));
  CHECK(at("2024-01-19T07:28Z") == z - 8s);
}

TEST_CASE("iso time: garbage and impossible dates are rejected") {
  for (const char* bad : {"", "yesterday", "2024-13-01T00:00:00Z", "2024-02-30", "2024-01-19T25:00:00Z",
                          "2024-01-19T07:28:08Zjunk", "2024-01-19T07:28:08.Z", "1705649288"})
    CHECK_MESSAGE(!parse_iso8601(bad).has_value(), bad);
}

TEST_CASE("iso time: canonical form round-trips, with milliseconds only when present") {
  auto t = at("2024-01-19T07:28:08Z");
  CHECK(format_iso8601(t) == "2024-01-19T07:28:08Z");
  CHECK(format_iso8601(t + 7ms) == "2024-01-19T07:28:08.007Z");
  CHECK(at(format_iso8601(t + 7ms)) == t + 7ms);
  CHECK(format_utc(t, "%Y-%m-%d %H:%M:%S") == "2024-01-19 07:28:08");
  CHECK(format_iso8601(at("1969-12-31T23:59:59.500Z")) == "1969-12-31T23:59:59.500Z");
}

TEST_CASE("iso time: years beyond what the clock holds are rejected, not overflowed") {
  // Fuzzing found these: the nanosecond clock ends in 2262 and begins in 1677.
  CHECK_FALSE(parse_iso8601("4052-01-01T00:00:00Z").has_value());
  CHECK_FALSE(parse_iso8601("9999-12-31T23:59:59Z").has_value());
  CHECK_FALSE(parse_iso8601("0001-01-01").has_value());
  CHECK(format_iso8601(*parse_iso8601("2262-01-01T00:00:00Z")) == "2262-01-01T00:00:00Z");
  CHECK(format_iso8601(*parse_iso8601("1678-01-01T00:00:00Z")) == "1678-01-01T00:00:00Z");
}
