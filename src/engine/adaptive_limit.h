// --workers auto: how many requests may be in flight, found by AIMD as Vector's adaptive
// request concurrency does. Memory servers are LLM-bound: past their capacity, more
// concurrency only queues (latency climbs) or is refused (429/503/504).
//   - slow start: the limit doubles each round trip until latency rises by a quarter or the
//     first sign of overload;
//   - then it grows by one per limit's worth of answers while the smoothed latency stays
//     within 1.5 times the best seen and every permit was in use (an idle limit proves nothing);
//   - it halves on 429/503/504 and shrinks by a tenth when latency climbs, at most once per
//     round trip, so one burst of bad answers counts once.
// Latency is learnt only from answered requests, per item carried (a batch of 50 is not 50
// times slower for being larger), and "the best seen" is the least of the last kWindow
// (two minutes; BBR keeps its minimum RTT ten seconds): a short outage's instant refusals, or one lucky
// answer long ago, must not make every later answer look like queueing and pin the limit
// to 1, while a queue that builds for a few round trips is still seen as one.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <utility>
#include <mutex>

namespace memconn {

class RunControl;

class AdaptiveLimit {
 public:
  using Clock = std::chrono::steady_clock;
  AdaptiveLimit(int initial, int max);
  // Waits until fewer than limit() requests are in flight; false if the run is stopping.
  bool acquire(RunControl& control);
  // One request ended: overloaded = the server said so (429, 503, 504); answered = it was
  // served (an acknowledgement), carrying `items`. `now` is for tests.
  void release(std::chrono::duration<double> latency, bool overloaded, bool answered = true, size_t items = 1,
               Clock::time_point now = Clock::now());
  static constexpr std::chrono::seconds kWindow{120};
  int limit() const;
  int peak() const;

 private:
  void adjust(double latency_s, bool overloaded, Clock::time_point now);  // requires mu_
  double best(Clock::time_point now);                                      // requires mu_

  const int max_;
  mutable std::mutex mu_;  // guards everything below; pairs with cv_
  std::condition_variable cv_;
  double limit_;
  int in_flight_ = 0;
  int peak_ = 0;
  bool slow_start_ = true;
  bool saturated_ = false;  // every permit was in use at some point since the last change
  double smoothed_ = 0;     // EWMA of latency, seconds
  // Smoothed per-item latencies of the answers of the last kWindow: (when, value), oldest
  // first; at most one entry per 100 ms, so it stays small however fast answers come.
  std::deque<std::pair<Clock::time_point, double>> recent_;
  int answers_since_change_ = 0;
  Clock::time_point last_decrease_{};
};

}  // namespace memconn
