// An LLM-bound server's capacity: N requests are served at once, each taking a fixed service
// time; the others queue (so latency grows with the queue), and beyond a queue bound the
// server refuses with 429 + Retry-After. Off while slots is 0.
#pragma once

#include <condition_variable>
#include <mutex>

namespace standin {

class Capacity {
 public:
  // False: the queue is full (answer 429). True: a slot is held until leave().
  bool enter(int slots, int queue);
  void leave();

 private:
  std::mutex mu_;  // guards the counters; pairs with cv_
  std::condition_variable cv_;
  int in_system_ = 0;  // queued + served
  int serving_ = 0;
};

}  // namespace standin
