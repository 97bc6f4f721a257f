#include "connectors/sync_clock.h"

#include <doctest/doctest.h>

#include <map>

using namespace memconn;
using namespace std::chrono;

TEST_CASE("sync clock: a fake clock starts at MEMCONN_FAKE_NOW and runs MEMCONN_FAKE_SPEED times faster") {
  steady_clock::time_point steady{};
  ScaledClock clock(*parse_iso8601("2026-01-01T00:00:00Z"), 3600, [&] { return steady; });
  CHECK(format_iso8601(clock.now()) == "2026-01-01T00:00:00Z");
  steady += 1s;
  CHECK(format_iso8601(clock.now()) == "2026-01-01T01:00:00Z");
}

TEST_CASE("sync clock: sleep_until wakes at the (scaled) time, or early on stop") {
  ScaledClock clock(*parse_iso8601("2026-01-01T00:00:00Z"), 36000);  // 1 h = 0.1 s
  auto start = steady_clock::now();
  CHECK(clock.sleep_until(*parse_iso8601("2026-01-01T01:00:00Z"), [] { return false; }));
  CHECK(clock.now() >= *parse_iso8601("2026-01-01T01:00:00Z"));
  CHECK(steady_clock::now() - start < 5s);
  CHECK_FALSE(clock.sleep_until(*parse_iso8601("2027-01-01T00:00:00Z"), [] { return true; }));
}

TEST_CASE("sync clock: environment hook") {
  auto real = clock_from_env(env_of({}));
  REQUIRE(real.ok());
  CHECK(duration_cast<seconds>(abs((*real)->now() - system_clock::now())) < 5s);
  auto fake = clock_from_env(env_of({{"MEMCONN_FAKE_NOW", "2026-01-01T00:00:00Z"}}));
  REQUIRE(fake.ok());
  CHECK((*fake)->now() - *parse_iso8601("2026-01-01T00:00:00Z") < 5s);
  CHECK(clock_from_env(env_of({{"MEMCONN_FAKE_NOW", "soon"}})).error().exit_code == 2);
  CHECK(clock_from_env(env_of({{"MEMCONN_FAKE_NOW", "2026-01-01T00:00:00Z"}, {"MEMCONN_FAKE_SPEED", "0"}}))
            .error()
            .message == "MEMCONN_FAKE_SPEED: expected a positive number, got \"0\"");
}
