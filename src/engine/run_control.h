// Cross-thread control of one run: why and whether it is stopping, interruptible sleeps,
// the circuit breaker that pauses every worker during an outage, and the shared rate limit.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

namespace memconn {

// WrongTarget: the server answers every request the same way (wrong path, redirect, the
// same error for item after item): nothing is dead-lettered, the items stay pending.
enum class StopReason { None, Interrupted, AuthRefused, Unreachable, WrongTarget, Fatal };

// How a run ended, as every sending command reports it: the "result" word of the --json
// report and the exit code (docs: man page, EXIT STATUS). One mapping for ingest, connector
// runs and `dlq retry`, so the same stop means the same code everywhere.
struct RunOutcome {
  std::string result = "ok";
  int exit_code = 0;
  bool error = false;  // the run stopped on an error whose message the caller should print
};
class RunControl;
// incomplete: the run was not stopped, yet something it read was refused or not delivered.
RunOutcome run_outcome(const RunControl& control, bool incomplete);

class RunControl {
 public:
  using Clock = std::chrono::steady_clock;
  // First reason wins; later calls only wake sleepers.
  void stop(StopReason reason, const std::string& message = "");
  bool stopping() const { return reason_.load() != StopReason::None; }
  StopReason reason() const { return reason_.load(); }
  std::string message() const;
  // A stop signal arrived: stop as Interrupted, saying "terminated" for SIGTERM, else
  // "interrupted".
  void interrupt(int sig);
  // The exit code of an interrupted run: 143 after SIGTERM, else 130.
  int interrupted_exit_code() const;
  // Sleeps up to d; returns false if the run started stopping meanwhile.
  bool sleep_for(std::chrono::milliseconds d);
  // Set once draining took too long: in-flight transfers abort.
  std::atomic<bool> abort_transfers{false};

 private:
  mutable std::mutex mu_;  // guards message_; pairs with cv_
  std::condition_variable cv_;
  std::atomic<StopReason> reason_{StopReason::None};
  std::string message_;
};

// Opens after `threshold` consecutive outage failures: workers then wait instead of burning
// their retries, and one probe request at a time tests recovery at growing intervals. An
// outage longer than max_outage ends the run (RunControl::stop(Unreachable)).
class CircuitBreaker {
 public:
  CircuitBreaker(int threshold, std::chrono::milliseconds max_outage, RunControl& control)
      : threshold_(threshold), max_outage_(max_outage), control_(control) {}
  // Blocks while open unless this caller becomes the probe. False if the run is stopping.
  bool admit(bool& is_probe);
  void record(bool outage_failure, bool was_probe);
  bool is_open() const;
  int openings() const;

 private:
  using Clock = std::chrono::steady_clock;
  const int threshold_;
  const std::chrono::milliseconds max_outage_;
  RunControl& control_;
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  int consecutive_ = 0;
  bool open_ = false;
  bool probing_ = false;
  int openings_ = 0;
  Clock::time_point opened_at_, next_probe_;
  std::chrono::milliseconds probe_interval_{500};
};

// Token bucket shared by all workers; rate <= 0 means unlimited.
class RateLimiter {
 public:
  RateLimiter(double per_second, int burst);
  // Waits for a token; false if the run is stopping.
  bool acquire(RunControl& control);

 private:
  using Clock = std::chrono::steady_clock;
  const double rate_;
  const double burst_;
  std::mutex mu_;  // guards tokens_ and last_
  double tokens_;
  Clock::time_point last_;
};

}  // namespace memconn
