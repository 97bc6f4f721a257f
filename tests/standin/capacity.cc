#include "capacity.h"

namespace standin {

bool Capacity::enter(int slots, int queue) {
  std::unique_lock<std::mutex> lock(mu_);
  if (in_system_ >= slots + queue) return false;
  ++in_system_;
  cv_.wait(lock, [&] { return serving_ < slots; });
  ++serving_;
  return true;
}

void Capacity::leave() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --serving_;
    --in_system_;
  }
  cv_.notify_one();
}

}  // namespace standin
