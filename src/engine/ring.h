// A FIFO on one power-of-two buffer that doubles when full: push_back, pop_front and indexing
// with no allocation per element once it has grown to what is in flight (std::deque allocates
// a node every few elements, on one thread, and frees it on another).
#pragma once
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace memconn {

template <typename T>
class Ring {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  T& operator[](size_t i) { return buf_[(head_ + i) & (buf_.size() - 1)]; }
  const T& operator[](size_t i) const { return buf_[(head_ + i) & (buf_.size() - 1)]; }
  T& front() { return (*this)[0]; }
  const T& front() const { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }

  void push_back(T value) {
    if (size_ == buf_.size()) grow();
    buf_[(head_ + size_) & (buf_.size() - 1)] = std::move(value);
    ++size_;
  }
  void pop_front() {
    buf_[head_] = T();  // releases what the element owns now, not when its slot is reused
    head_ = (head_ + 1) & (buf_.size() - 1);
    --size_;
  }
  // Inserts before position i (rare: moves the elements after it).
  void insert(size_t i, T value) {
    push_back(std::move(value));
    for (size_t k = size_ - 1; k > i; --k) std::swap((*this)[k], (*this)[k - 1]);
  }

 private:
  void grow() {
    std::vector<T> bigger(std::max<size_t>(16, buf_.size() * 2));
    for (size_t i = 0; i < size_; ++i) bigger[i] = std::move((*this)[i]);
    buf_.swap(bigger);
    head_ = 0;
  }
  std::vector<T> buf_;
  size_t head_ = 0, size_ = 0;
};

}  // namespace memconn
