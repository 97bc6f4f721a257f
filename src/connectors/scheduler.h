// The connector service's loop, shared by `sync --watch` and `serve`: run what is due (and
// what was asked for by name) one connector at a time, each run under the state lock, then
// sleep on the scheduling clock until the next connector falls due, something is asked for,
// or the config changes. The lock is held only while a run goes on, so `trigger`, `ingest` and
// `status` from other processes work meanwhile, and they can never run a connector at the
// same time as this loop.
#pragma once
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.h"
#include "connectors/context.h"
#include "connectors/executor.h"
#include "connectors/run.h"

namespace memconn {

// What the loop runs from; replaced as a whole (SIGHUP, a connector changed through the API).
// A run in progress keeps the plan it started with.
struct SchedulePlan {
  std::shared_ptr<ConnectorContext> ctx;
  Tuning tuning;
  std::vector<std::string> names;  // empty = every connector of ctx->cfg
  bool verbose = false;
};

// Told about runs as they start and end (on the loop's thread).
class SchedulerObserver {
 public:
  virtual ~SchedulerObserver() = default;
  virtual void run_started(const std::string& connector, const std::string& command) = 0;
  virtual void run_finished(const ConnectorRunReport& report) = 0;
};

enum class TriggerOutcome { kQueued, kAlreadyRunning, kAlreadyQueued, kUnknown, kStopping };

// In watch mode connectors run one after another, so one target's outage must end by the
// time the next other connector falls due (never sooner than 5 s, so a blip is not an
// outage); that connector's run then ends "unreachable" and is retried on schedule.
std::optional<std::chrono::milliseconds> outage_cap(const ConnectorConfig& self,
                                                   const std::vector<const ConnectorConfig*>& candidates,
                                                   const State& state, SysTime now);

class Scheduler {
 public:
  // exec: the options of every scheduled run (command label, --wait). observer may be null.
  Scheduler(SchedulePlan plan, ExecOptions exec, SchedulerObserver* observer);

  // Any thread: the next decision uses the new plan.
  void replace(SchedulePlan plan);
  // Any thread: run `name` as soon as the loop is free (command "trigger"), whether or not
  // it is due or enabled. Never twice at once, never queued twice.
  TriggerOutcome trigger(const std::string& name);
  // Any thread: after this, trigger() answers kStopping.
  void stopping();

  // The loop, on the caller's thread, until stop() holds (asked between runs and every
  // 100 ms while sleeping; a run in progress drains on SIGINT/SIGTERM by itself). poll, if
  // set, is called at the top of every turn and while sleeping; returning true wakes the
  // loop (sync --watch re-reads its config there on SIGHUP). Returns an error only when the
  // state file cannot be used (corrupt: exit 3; the lock file unusable).
  Status run(const std::function<bool()>& stop, const std::function<bool()>& poll = nullptr);

  struct View {
    std::string running;              // "" = idle
    std::string running_command;
    std::vector<std::string> queued;  // triggered, not started yet
    bool stopping = false;
    std::string next;                 // the connector due next ("" = none is)
    std::optional<SysTime> next_at;
  };
  View view() const;

 private:
  struct Active {
    SchedulePlan plan;
    std::shared_ptr<ConnectorExecutor> executor;  // one per plan: its CURL share and dead-letter count
  };
  std::shared_ptr<Active> active() const;
  std::vector<const ConnectorConfig*> candidates(const Active& a) const;
  // Runs one connector under the lock; only_if_due re-checks under the lock (another
  // process may have run it meanwhile). False when stop() ended the wait for the lock.
  Result<bool> run_one(const std::shared_ptr<Active>& a, const std::string& name, const std::string& command,
                       bool only_if_due, const std::function<bool()>& stop);

  ExecOptions exec_;
  SchedulerObserver* observer_;
  std::atomic<bool> wake_{false};  // set by replace/trigger: the sleeping loop looks again

  mutable std::mutex mu_;  // guards everything below
  std::shared_ptr<Active> active_;
  std::deque<std::string> queued_;
  std::string running_, running_command_;
  bool stopping_ = false;
  std::string next_;  // the next due connector
  std::optional<SysTime> next_at_;

  std::string announced_;  // the last "next: ..." line said; the loop's thread only
};

}  // namespace memconn
