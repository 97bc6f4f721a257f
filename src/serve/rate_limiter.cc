#include "serve/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace memconn {

ClientRateLimiter::ClientRateLimiter(double rate, int burst, size_t max_clients)
    : rate_(rate), burst_(std::max(1, burst)), max_clients_(max_clients) {}

double ClientRateLimiter::refill(Bucket& b, Clock::time_point now) const {
  double elapsed = std::chrono::duration<double>(now - b.at).count();
  if (elapsed > 0) {
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.at = now;
  }
  return b.tokens;
}

ClientRateLimiter::Decision ClientRateLimiter::take(const std::string& client, Clock::time_point now) {
  if (rate_ <= 0) return {};
  std::lock_guard lock(mu_);
  auto it = buckets_.find(client);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_clients_) {
      for (auto i = buckets_.begin(); i != buckets_.end();) i = refill(i->second, now) >= burst_ ? buckets_.erase(i) : std::next(i);
      if (buckets_.size() >= max_clients_) return {false, std::chrono::seconds(1)};
    }
    it = buckets_.emplace(client, Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  if (refill(b, now) >= 1) {
    b.tokens -= 1;
    return {};
  }
  auto wait = static_cast<long long>(std::ceil((1 - b.tokens) / rate_));
  return {false, std::chrono::seconds(std::max<long long>(1, wait))};
}

size_t ClientRateLimiter::clients() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace memconn
