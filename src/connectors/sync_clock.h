// The wall clock connectors are scheduled by, behind an interface so that schedules, range
// choice and `sync --watch` are tested without waiting hours.
//
// Testing hook (documented in docs/connectors.md): MEMCONN_FAKE_NOW=<ISO-8601> starts the
// clock at that instant, and MEMCONN_FAKE_SPEED=<factor> (default 1) makes it run that many
// times faster than real time, sleeps included. Only connector scheduling and run records
// use this clock; HTTP timeouts, retries and dead-letter timestamps stay on real time.
#pragma once
#include <chrono>
#include <functional>
#include <memory>

#include "config/config.h"
#include "base/iso_time.h"
#include "base/result.h"

namespace memconn {

class SyncClock {
 public:
  virtual ~SyncClock() = default;
  virtual SysTime now() const = 0;
  // Sleeps until now() >= until; wakes at least every 100 ms of real time to ask stop().
  // Returns false if stop() said so first.
  virtual bool sleep_until(SysTime until, const std::function<bool()>& stop) = 0;
};

// system_clock, or a scaled clock: start + (steady elapsed) * speed. steady_now is
// injectable for tests.
class ScaledClock : public SyncClock {
 public:
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;
  ScaledClock(SysTime start, double speed, SteadyNow steady_now = std::chrono::steady_clock::now);
  SysTime now() const override;
  bool sleep_until(SysTime until, const std::function<bool()>& stop) override;

 private:
  SysTime start_;
  double speed_;
  SteadyNow steady_now_;
  std::chrono::steady_clock::time_point origin_;
};

class SystemClock : public SyncClock {
 public:
  SysTime now() const override { return std::chrono::system_clock::now(); }
  bool sleep_until(SysTime until, const std::function<bool()>& stop) override;
};

// SystemClock unless MEMCONN_FAKE_NOW is set. Bad values: exit_code::kUsage.
Result<std::unique_ptr<SyncClock>> clock_from_env(const EnvLookup& env);

}  // namespace memconn
