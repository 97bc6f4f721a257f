// Per-client token buckets: `rate` requests per second with bursts of `burst`. A refused
// request learns when the next token comes (Retry-After). Thread-safe: the HTTP server's
// threads share one limiter.
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace memconn {

class ClientRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // rate 0 = no limit. max_clients bounds the table: when it is full, buckets that have
  // refilled (idle clients) are dropped; if none has, a new client is refused for a second.
  ClientRateLimiter(double rate, int burst, size_t max_clients = 10000);

  struct Decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: at least 1
  };
  Decision take(const std::string& client, Clock::time_point now = Clock::now());
  size_t clients() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
  };
  double refill(Bucket& b, Clock::time_point now) const;
  double rate_;
  double burst_;
  size_t max_clients_;
  mutable std::mutex mu_;  // guards buckets_
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace memconn
