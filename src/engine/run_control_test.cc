#include "engine/run_control.h"

#include <doctest/doctest.h>

#include <thread>

using namespace memconn;
using namespace std::chrono_literals;

TEST_CASE("the first stop reason wins and wakes sleepers") {
  RunControl c;
  std::thread t([&] { c.stop(StopReason::Interrupted, "ctrl-c"); });
  CHECK_FALSE(c.sleep_for(10s));
  t.join();
  c.stop(StopReason::Unreachable, "later");
  CHECK(c.reason() == StopReason::Interrupted);
  CHECK(c.message() == "ctrl-c");
}

TEST_CASE("the breaker opens after consecutive outage failures and admits one probe") {
  RunControl c;
  CircuitBreaker b(3, 60s, c);
  bool probe = false;
  for (int i = 0; i < 2; ++i) b.record(true, false);
  CHECK_FALSE(b.is_open());
  b.record(false, false);  // a success resets the streak
  for (int i = 0; i < 3; ++i) b.record(true, false);
  CHECK(b.is_open());
  CHECK(b.openings() == 1);
  REQUIRE(b.admit(probe));  // waits ~500 ms, then becomes the probe
  CHECK(probe);
  b.record(false, true);
  CHECK_FALSE(b.is_open());
  REQUIRE(b.admit(probe));
  CHECK_FALSE(probe);
}

TEST_CASE("an outage longer than max_outage stops the run") {
  RunControl c;
  CircuitBreaker b(1, 300ms, c);
  b.record(true, false);
  bool probe = false;
  while (b.admit(probe)) b.record(true, probe);
  CHECK(c.reason() == StopReason::Unreachable);
}

TEST_CASE("the rate limiter spaces requests after the burst") {
  RunControl c;
  RateLimiter r(20, 2);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; ++i) REQUIRE(r.acquire(c));
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= 180ms);  // 4 tokens beyond the burst at 20/s
}
