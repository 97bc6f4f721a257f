#include "base/retry_policy.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <string>

namespace memconn {

Outcome classify(bool transport_ok, long status) {
  if (!transport_ok) return Outcome::Retryable;
  if (status >= 200 && status < 300) return Outcome::Success;
  if (status == 401 || status == 403) return Outcome::AuthError;
  if (status == 408 || status == 429) return Outcome::Retryable;
  if (status >= 500 && status != 501) return Outcome::Retryable;
  return Outcome::ItemError;
}

bool is_outage(bool transport_ok, long status) {
  return !transport_ok || status == 408 || (status >= 500 && status != 501);
}

bool is_unavailable(bool transport_ok, long status) {
  return !transport_ok || status == 502 || status == 503 || status == 504;
}

bool is_wrong_target(bool transport_ok, long status) {
  return transport_ok && ((status >= 300 && status < 400) || status == 404 || status == 405 || status == 501);
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::milliseconds(std::chrono::hours(24));
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  std::tm tm{};
  std::string v(value);
  if (!strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return std::nullopt;
  auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
  return std::max(d, std::chrono::milliseconds(0));
}

std::chrono::milliseconds BackoffPolicy::delay(int attempt, std::optional<std::chrono::milliseconds> retry_after,
                                               std::mt19937_64& rng) const {
  if (retry_after) return std::min(*retry_after, std::chrono::milliseconds(300000));
  int64_t ceiling = base.count();
  for (int i = 0; i < attempt && ceiling < cap.count(); ++i) ceiling *= 2;
  ceiling = std::min<int64_t>(ceiling, cap.count());
  std::uniform_int_distribution<int64_t> dist(0, ceiling);
  return std::chrono::milliseconds(dist(rng));
}

}  // namespace memconn
