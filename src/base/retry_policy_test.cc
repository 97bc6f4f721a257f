#include "base/retry_policy.h"

#include <doctest/doctest.h>

using namespace memconn;
using std::chrono::milliseconds;

TEST_CASE("classification follows the retry contract") {
  CHECK(classify(false, 0) == Outcome::Retryable);
  CHECK(classify(true, 200) == Outcome::Success);
  CHECK(classify(true, 401) == Outcome::AuthError);
  CHECK(classify(true, 403) == Outcome::AuthError);
  CHECK(classify(true, 408) == Outcome::Retryable);
  CHECK(classify(true, 429) == Outcome::Retryable);
  CHECK(classify(true, 500) == Outcome::Retryable);
  CHECK(classify(true, 503) == Outcome::Retryable);
  CHECK(classify(true, 501) == Outcome::ItemError);
  CHECK(classify(true, 400) == Outcome::ItemError);
  CHECK(classify(true, 409) == Outcome::ItemError);
  CHECK(classify(true, 422) == Outcome::ItemError);
  CHECK(is_outage(false, 0));
  CHECK(is_outage(true, 503));
  CHECK(is_outage(true, 500));  // persistent: the server is failing, not the items
  CHECK_FALSE(is_outage(true, 501));
  CHECK_FALSE(is_outage(true, 422));
  CHECK(is_wrong_target(true, 302));
  CHECK(is_wrong_target(true, 404));
  CHECK(is_wrong_target(true, 405));
  CHECK(is_wrong_target(true, 501));
  CHECK_FALSE(is_wrong_target(true, 400));
  CHECK_FALSE(is_wrong_target(true, 413));
  CHECK_FALSE(is_wrong_target(false, 0));
}

TEST_CASE("Retry-After accepts seconds and HTTP dates") {
  auto now = std::chrono::system_clock::from_time_t(1700000000);  // Tue, 14 Nov 2023 22:13:20 GMT
  CHECK(parse_retry_after("3", now) == milliseconds(3000));
  CHECK(parse_retry_after(" 0 ", now) == milliseconds(0));
  CHECK(parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", now) == milliseconds(10000));
  CHECK(parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now) == milliseconds(0));
  CHECK_FALSE(parse_retry_after("soon", now));
  CHECK_FALSE(parse_retry_after("", now));
}

TEST_CASE("backoff is full jitter under an exponential ceiling, capped") {
  BackoffPolicy p;
  std::mt19937_64 rng(7);
  for (int attempt = 0; attempt < 12; ++attempt) {
    int64_t ceiling = std::min<int64_t>(250LL << attempt, 30000);
    int64_t hi = 0;
    for (int i = 0; i < 200; ++i) {
      auto d = p.delay(attempt, std::nullopt, rng).count();
      CHECK(d >= 0);
      CHECK(d <= ceiling);
      hi = std::max(hi, d);
    }
    CHECK(hi > ceiling / 2);  // jitter spans the range rather than sitting at the bottom
  }
  CHECK(p.delay(0, milliseconds(2000), rng) == milliseconds(2000));
  CHECK(p.delay(0, milliseconds(10000000), rng) == milliseconds(300000));
}
