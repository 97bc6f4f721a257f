// A blocking FIFO with a fixed capacity: the reader waits when workers fall behind, so
// memory never grows with the input size.
#pragma once
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace memconn {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}
  // False if the queue was closed (the value is dropped).
  bool push(T value) {
    bool wake;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!closed_ && q_.size() >= capacity_) {
        // Woken only once the queue is half empty: the producer then refills it in one go
        // instead of being woken (a context switch) for every item a consumer takes.
        ++producers_waiting_;
        not_full_.wait(lock, [&] { return closed_ || q_.size() <= capacity_ / 2; });
        --producers_waiting_;
      }
      if (closed_) return false;
      q_.push_back(std::move(value));
      wake = consumers_waiting_ > 0;
    }
    if (wake) not_empty_.notify_one();  // after unlocking, so the woken consumer does not block on mu_
    return true;
  }
  // Empty optional once closed and drained.
  std::optional<T> pop() {
    std::optional<T> v;
    bool wake;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!closed_ && q_.empty()) {
        ++consumers_waiting_;
        not_empty_.wait(lock, [&] { return closed_ || !q_.empty(); });
        --consumers_waiting_;
      }
      if (q_.empty()) return std::nullopt;
      v.emplace(std::move(q_.front()));
      q_.pop_front();
      wake = producers_waiting_ > 0 && q_.size() <= capacity_ / 2;
    }
    if (wake) not_full_.notify_one();
    return v;
  }
  // True when push() would not wait.
  bool has_room() const {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_ || q_.size() < capacity_;
  }
  // No more pushes; consumers drain what is left.
  void close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }
  // Close and discard what is queued (a stopping run sends nothing new).
  void abandon() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    q_.clear();
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;  // guards q_, closed_ and the waiting counts
  std::condition_variable not_full_, not_empty_;
  std::deque<T> q_;
  bool closed_ = false;
  int producers_waiting_ = 0, consumers_waiting_ = 0;
};

}  // namespace memconn
