#include "connectors/sync_clock.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <thread>

#include "base/exit_codes.h"

namespace memconn {

namespace {
constexpr std::chrono::milliseconds kSlice{100};
}

ScaledClock::ScaledClock(SysTime start, double speed, SteadyNow steady_now)
    : start_(start), speed_(speed), steady_now_(std::move(steady_now)), origin_(steady_now_()) {}

SysTime ScaledClock::now() const {
  std::chrono::duration<double> real = steady_now_() - origin_;
  return start_ + std::chrono::duration_cast<SysTime::duration>(real * speed_);
}

bool ScaledClock::sleep_until(SysTime until, const std::function<bool()>& stop) {
  for (;;) {
    if (stop()) return false;
    auto left = until - now();
    if (left <= SysTime::duration::zero()) return true;
    auto real = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(left) / speed_);
    std::this_thread::sleep_for(std::clamp(real + std::chrono::milliseconds(1), std::chrono::milliseconds(1), kSlice));
  }
}

bool SystemClock::sleep_until(SysTime until, const std::function<bool()>& stop) {
  for (;;) {
    if (stop()) return false;
    auto left = until - now();
    if (left <= SysTime::duration::zero()) return true;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left) + std::chrono::milliseconds(1);
    std::this_thread::sleep_for(std::min(ms, kSlice));
  }
}

Result<std::unique_ptr<SyncClock>> clock_from_env(const EnvLookup& env) {
  auto fake = env("MEMCONN_FAKE_NOW");
  if (!fake || fake->empty()) return std::unique_ptr<SyncClock>(std::make_unique<SystemClock>());
  auto start = parse_iso8601(*fake);
  if (!start) return Error{"MEMCONN_FAKE_NOW: not an ISO-8601 time: \"" + *fake + "\"", exit_code::kUsage};
  double speed = 1;
  if (auto s = env("MEMCONN_FAKE_SPEED"); s && !s->empty()) {
    char* end = nullptr;
    speed = std::strtod(s->c_str(), &end);
    if (end == s->c_str() || *end != '\0' || !std::isfinite(speed) || speed <= 0)
      return Error{"MEMCONN_FAKE_SPEED: expected a positive number, got \"" + *s + "\"", exit_code::kUsage};
  }
  return std::unique_ptr<SyncClock>(std::make_unique<ScaledClock>(*start, speed));
}

}  // namespace memconn
