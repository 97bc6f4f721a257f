#include "serve/rate_limiter.h"

#include <doctest/doctest.h>

using namespace memconn;
using namespace std::chrono_literals;

TEST_CASE("rate limiter: a burst, then the rate, per client, with the wait until the next token") {
  ClientRateLimiter l(2, 3);
  auto t = ClientRateLimiter::Clock::time_point{} + 100s;
  for (int i = 0; i < 3; ++i) CHECK(l.take("a", t).allowed);
  auto refused = l.take("a", t);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after == 1s);
  CHECK(l.take("b", t).allowed);  // another client has its own bucket
  CHECK(l.take("a", t + 500ms).allowed);  // one token per half second
  CHECK_FALSE(l.take("a", t + 600ms).allowed);
  CHECK(l.take("a", t + 10s).allowed);
  ClientRateLimiter slow(0.1, 1);
  CHECK(slow.take("c", t).allowed);
  CHECK(slow.take("c", t).retry_after == 10s);
  ClientRateLimiter off(0, 1);
  for (int i = 0; i < 1000; ++i) CHECK(off.take("d", t).allowed);
}

TEST_CASE("rate limiter: a full table drops refilled buckets, and refuses a newcomer when none has refilled") {
  ClientRateLimiter l(1, 2, 2);
  auto t = ClientRateLimiter::Clock::time_point{} + 100s;
  CHECK(l.take("a", t).allowed);
  CHECK(l.take("b", t).allowed);
  auto c = l.take("c", t);
  CHECK_FALSE(c.allowed);
  CHECK(c.retry_after == 1s);
  CHECK(l.take("c", t + 5s).allowed);  // a and b refilled and were dropped
  CHECK(l.clients() == 1);
}
