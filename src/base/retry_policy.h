// How a failed request is treated: retried (with exponential backoff and full jitter, or
// the server's Retry-After), given up on for the items involved, or fatal for the run.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace memconn {

enum class Outcome {
  Success,
  Retryable,   // connection errors, timeouts, 408, 429, 5xx except 501
  ItemError,   // other 4xx (and 501): the items in the request are at fault
  AuthError,   // 401/403: nothing will succeed until the user fixes the key
};

// transport_ok is false when no HTTP status was received (connect failure, reset, timeout).
Outcome classify(bool transport_ok, long status);
// True for outages that must never send items to the dead-letter file: no connection, the
// server unavailable, or any 5xx but 501. A 500 that persists through the retries is the
// server failing (an LLM provider down, a crash on every request), not the items:
// dead-lettering them would move the watermark past items nobody looked at. A 429 is not an
// outage: the server answered, and asks to be sent less (see the pipeline's throttling).
bool is_outage(bool transport_ok, long status);
// True for the answers that say the server (or the way to it) is down: no connection, 502,
// 503, 504. Only these open the circuit breaker and count toward --max-outage.
bool is_unavailable(bool transport_ok, long status);
// True for answers that say the URL is not the API at all: a redirect (memconn never follows
// one: a POST would turn into a GET to a login page), no such path, the wrong method, not
// implemented. Every request would get the same answer, so no item is at fault.
bool is_wrong_target(bool transport_ok, long status);

// Parses a Retry-After header: delta-seconds or an HTTP-date (relative to now).
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

struct BackoffPolicy {
  std::chrono::milliseconds base{250};
  std::chrono::milliseconds cap{30000};
  // Full jitter: uniform in [0, min(cap, base * 2^attempt)]; attempt counts from 0.
  // A server's Retry-After wins, capped at 5 minutes so a bad header cannot stall a run.
  std::chrono::milliseconds delay(int attempt, std::optional<std::chrono::milliseconds> retry_after,
                                  std::mt19937_64& rng) const;
};

}  // namespace memconn
