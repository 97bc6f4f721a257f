#include "engine/run_control.h"

#include <signal.h>

#include <algorithm>

#include "base/exit_codes.h"

namespace memconn {

void RunControl::stop(StopReason reason, const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    StopReason expected = StopReason::None;
    if (reason_.compare_exchange_strong(expected, reason)) message_ = message;
  }
  cv_.notify_all();
}

std::string RunControl::message() const {
  std::lock_guard<std::mutex> lock(mu_);
  return message_;
}

void RunControl::interrupt(int sig) { stop(StopReason::Interrupted, sig == SIGTERM ? "terminated" : "interrupted"); }

int RunControl::interrupted_exit_code() const {
  return message() == "terminated" ? exit_code::kSigTerm : exit_code::kSigInt;
}

RunOutcome run_outcome(const RunControl& control, bool incomplete) {
  switch (control.reason()) {
    case StopReason::Interrupted: return {"interrupted", control.interrupted_exit_code(), false};
    case StopReason::AuthRefused: return {"auth", exit_code::kAuth, true};
    case StopReason::Unreachable: return {"unreachable", exit_code::kUnreachable, true};
    case StopReason::WrongTarget: return {"wrong_target", exit_code::kWrongTarget, true};
    case StopReason::Fatal: return {"failed", exit_code::kPartial, true};
    case StopReason::None: break;
  }
  if (incomplete) return {"partial", exit_code::kPartial, false};
  return {"ok", exit_code::kOk, false};
}

bool RunControl::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [&] { return stopping(); });
}

bool CircuitBreaker::admit(bool& is_probe) {
  is_probe = false;
  std::unique_lock<std::mutex> lock(mu_);
  while (open_) {
    if (control_.stopping()) return false;
    auto now = Clock::now();
    if (now - opened_at_ > max_outage_) {
      lock.unlock();
      control_.stop(StopReason::Unreachable, "target still unreachable after the --max-outage limit");
      return false;
    }
    if (!probing_ && now >= next_probe_) {
      probing_ = true;
      is_probe = true;
      return true;
    }
    // Wake at the next probe time, or soon to notice a stop or the outage limit.
    auto wake = std::min(next_probe_, now + std::chrono::milliseconds(200));
    cv_.wait_until(lock, std::max(wake, now + std::chrono::milliseconds(10)));
  }
  return !control_.stopping();
}

void CircuitBreaker::record(bool outage_failure, bool was_probe) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (was_probe) probing_ = false;
    if (!outage_failure) {
      consecutive_ = 0;
      open_ = false;
      probe_interval_ = std::chrono::milliseconds(500);
    } else if (open_) {
      if (was_probe) {
        probe_interval_ = std::min(probe_interval_ * 2, std::chrono::milliseconds(30000));
        next_probe_ = Clock::now() + probe_interval_;
      }
    } else if (++consecutive_ >= threshold_) {
      open_ = true;
      ++openings_;
      opened_at_ = Clock::now();
      probe_interval_ = std::chrono::milliseconds(500);
      next_probe_ = opened_at_ + probe_interval_;
    }
  }
  cv_.notify_all();
}

bool CircuitBreaker::is_open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

int CircuitBreaker::openings() const {
  std::lock_guard<std::mutex> lock(mu_);
  return openings_;
}

RateLimiter::RateLimiter(double per_second, int burst)
    : rate_(per_second), burst_(std::max(1, burst)), tokens_(std::max(1, burst)), last_(Clock::now()) {}

bool RateLimiter::acquire(RunControl& control) {
  if (rate_ <= 0) return !control.stopping();
  for (;;) {
    std::chrono::milliseconds wait{0};
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto now = Clock::now();
      tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
      last_ = now;
      if (tokens_ >= 1) {
        tokens_ -= 1;
        return true;
      }
      wait = std::chrono::milliseconds(static_cast<int64_t>((1 - tokens_) / rate_ * 1000) + 1);
    }
    if (!control.sleep_for(wait)) return false;
  }
}

}  // namespace memconn
