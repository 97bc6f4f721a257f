#include "engine/adaptive_limit.h"

#include <algorithm>
#include <cmath>

#include "engine/run_control.h"

namespace memconn {

namespace {
constexpr double kQueueing = 0.010;  // seconds
}  // namespace

AdaptiveLimit::AdaptiveLimit(int initial, int max) : max_(std::max(1, max)), limit_(std::clamp(initial, 1, max_)) {}

bool AdaptiveLimit::acquire(RunControl& control) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (control.stopping()) return false;
    if (in_flight_ < static_cast<int>(limit_)) break;
    saturated_ = true;
    // A timed wait: a stop is not announced on this condition variable.
    cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
  ++in_flight_;
  if (in_flight_ >= static_cast<int>(limit_)) saturated_ = true;
  peak_ = std::max(peak_, in_flight_);
  return true;
}

void AdaptiveLimit::release(std::chrono::duration<double> latency, bool overloaded, bool answered, size_t items,
                            Clock::time_point now) {
  bool grew = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
    double before = limit_;
    // Neither served nor refused (a transport error, a 500): it says nothing about queueing.
    if (answered || overloaded) adjust(latency.count() / static_cast<double>(std::max<size_t>(1, items)), overloaded, now);
    grew = limit_ > before;
  }
  // One permit came free: one waiter can use it. Waking them all (up to --max-workers
  // threads) per answer costs more CPU than a fast server's whole request.
  if (grew) cv_.notify_all();
  else cv_.notify_one();
}

void AdaptiveLimit::adjust(double latency_s, bool overloaded, Clock::time_point now) {
  if (!overloaded) {
    smoothed_ = smoothed_ == 0 ? latency_s : 0.8 * smoothed_ + 0.2 * latency_s;
    if (!recent_.empty() && now - recent_.back().first < std::chrono::milliseconds(100))
      recent_.back().second = std::min(recent_.back().second, smoothed_);
    else
      recent_.emplace_back(now, smoothed_);
  }
  const double best_ = best(now);
  // Queueing shows as latency before it shows as refusals: half as long again as the best
  // seen means the server is holding requests, not serving them faster. A server answering
  // in a millisecond or two is not queueing at all: there the client's own scheduling noise
  // moves latency by more than half, so a rise must also be worth kQueueing in absolute terms.
  auto risen = [&](double factor) { return best_ > 0 && smoothed_ > factor * best_ && smoothed_ - best_ > kQueueing; };
  bool climbing = !overloaded && risen(1.5);
  // One decrease per round trip: the answers to requests sent before it say nothing new.
  auto round_trip = std::chrono::duration<double>(std::max(smoothed_, 0.001));
  bool may_decrease = now - last_decrease_ >= round_trip;
  if ((overloaded || climbing) && may_decrease) {
    limit_ = std::max(1.0, std::floor(limit_ * (overloaded ? 0.5 : 0.9)));
    slow_start_ = false;
    last_decrease_ = now;
    answers_since_change_ = 0;
    saturated_ = false;
    return;
  }
  if (overloaded || climbing) return;
  // Doubling overshoots: once latency rises at all, grow one at a time (as HyStart does).
  if (slow_start_ && risen(1.25)) slow_start_ = false;
  // A limit's worth of answers is one round trip at full use.
  if (++answers_since_change_ < static_cast<int>(limit_)) return;
  answers_since_change_ = 0;
  if (!saturated_) return;  // the reader, not the server, was the bottleneck
  saturated_ = false;
  limit_ = std::min<double>(max_, slow_start_ ? limit_ * 2 : limit_ + 1);
}

double AdaptiveLimit::best(Clock::time_point now) {
  while (recent_.size() > 1 && now - recent_.front().first > kWindow) recent_.pop_front();
  double b = 0;
  for (const auto& [when, v] : recent_) b = b == 0 ? v : std::min(b, v);
  return b;
}

int AdaptiveLimit::limit() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(limit_);
}

int AdaptiveLimit::peak() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peak_;
}

}  // namespace memconn
