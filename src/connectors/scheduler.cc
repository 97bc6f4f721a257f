#include "connectors/scheduler.h"

#include <algorithm>

#include "connectors/report.h"
#include "connectors/state_session.h"
#include "connectors/status.h"

namespace memconn {

std::optional<std::chrono::milliseconds> outage_cap(const ConnectorConfig& self,
                                                   const std::vector<const ConnectorConfig*>& candidates,
                                                   const State& state, SysTime now) {
  constexpr std::chrono::milliseconds kMinOutage{5000};
  std::optional<SysTime> next;
  for (const auto* o : candidates) {
    if (o == &self) continue;
    auto it = state.connectors.find(o->name);
    auto due = next_due(*o, it == state.connectors.end() ? nullptr : &it->second, now);
    if (due && (!next || *due < *next)) next = due;
  }
  if (!next) return std::nullopt;
  return std::max(kMinOutage, std::chrono::duration_cast<std::chrono::milliseconds>(*next - now));
}

Scheduler::Scheduler(SchedulePlan plan, ExecOptions exec, SchedulerObserver* observer)
    : exec_(std::move(exec)), observer_(observer) {
  replace(std::move(plan));
}

void Scheduler::replace(SchedulePlan plan) {
  auto a = std::make_shared<Active>();
  a->executor = std::make_shared<ConnectorExecutor>(*plan.ctx, plan.tuning, plan.verbose);
  a->plan = std::move(plan);
  {
    std::lock_guard lock(mu_);
    active_ = std::move(a);
  }
  wake_.store(true);
}

std::shared_ptr<Scheduler::Active> Scheduler::active() const {
  std::lock_guard lock(mu_);
  return active_;
}

TriggerOutcome Scheduler::trigger(const std::string& name) {
  std::lock_guard lock(mu_);
  if (stopping_) return TriggerOutcome::kStopping;
  if (!active_->plan.ctx->cfg.connectors.count(name)) return TriggerOutcome::kUnknown;
  if (running_ == name) return TriggerOutcome::kAlreadyRunning;
  if (std::find(queued_.begin(), queued_.end(), name) != queued_.end()) return TriggerOutcome::kAlreadyQueued;
  queued_.push_back(name);
  wake_.store(true);
  return TriggerOutcome::kQueued;
}

void Scheduler::stopping() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  queued_.clear();
}

Scheduler::View Scheduler::view() const {
  std::lock_guard lock(mu_);
  View v;
  v.running = running_;
  v.running_command = running_command_;
  v.queued.assign(queued_.begin(), queued_.end());
  v.stopping = stopping_;
  v.next = next_;
  v.next_at = next_at_;
  return v;
}

std::vector<const ConnectorConfig*> Scheduler::candidates(const Active& a) const {
  std::vector<const ConnectorConfig*> out;
  const auto& all = a.plan.ctx->cfg.connectors;
  if (a.plan.names.empty()) {
    for (const auto& [_, c] : all) out.push_back(&c);
  } else {
    for (const auto& n : a.plan.names)
      if (auto it = all.find(n); it != all.end()) out.push_back(&it->second);
  }
  return out;
}

Result<bool> Scheduler::run_one(const std::shared_ptr<Active>& a, const std::string& name, const std::string& command,
                                bool only_if_due, const std::function<bool()>& stop) {
  ConnectorContext& ctx = *a->plan.ctx;
  auto session = StateSession::open_unless(ctx.paths, stop);
  if (!session) {
    if (session.error().exit_code == 0) return false;  // stop() while waiting for the lock
    return session.error();
  }
  const ConnectorConfig& conn = ctx.cfg.connectors.at(name);
  auto& all = session->state().connectors;
  auto now = ctx.clock->now();
  if (only_if_due) {
    auto it = all.find(name);
    if (!due_now(conn, it == all.end() ? nullptr : &it->second, now)) return true;  // someone else ran it
  }
  {
    std::lock_guard lock(mu_);
    running_ = name;
    running_command_ = command;
  }
  if (observer_) observer_->run_started(name, command);
  ExecOptions opt = exec_;
  opt.command = command;
  opt.outage_cap = outage_cap(conn, candidates(*a), session->state(), now);
  auto rep = a->executor->run(conn, all[name], opt, [&] { return session->save(); });
  ctx.console->info(connector_summary(rep));
  {
    std::lock_guard lock(mu_);
    running_.clear();
    running_command_.clear();
  }
  if (observer_) observer_->run_finished(rep);
  return true;
}

Status Scheduler::run(const std::function<bool()>& stop, const std::function<bool()>& poll) {
  for (;;) {
    if (stop()) return ok_status();
    if (poll) poll();
    wake_.store(false);
    auto a = active();
    ConnectorContext& ctx = *a->plan.ctx;

    // Asked for by name first, in the order asked.
    std::string asked;
    {
      std::lock_guard lock(mu_);
      while (!queued_.empty() && asked.empty()) {
        asked = queued_.front();
        queued_.pop_front();
        if (!ctx.cfg.connectors.count(asked)) asked.clear();  // deleted since it was asked for
      }
    }
    if (!asked.empty()) {
      auto r = run_one(a, asked, "trigger", false, stop);
      if (!r) return r.error();
      continue;
    }

    // Then whatever is due, in name order; the state is read without the lock (writes are
    // atomic renames) and judged again under it.
    auto state = load_state(ctx.paths.state);
    if (!state) return state.error();
    auto now = ctx.clock->now();
    std::optional<SysTime> next;
    std::string next_name, due;
    for (const auto* c : candidates(*a)) {
      auto it = state->connectors.find(c->name);
      const ConnectorState* st = it == state->connectors.end() ? nullptr : &it->second;
      if (due_now(*c, st, now)) {
        due = c->name;
        break;
      }
      auto d = next_due(*c, st, now);
      if (d && (!next || *d < *next)) {
        next = d;
        next_name = c->name;
      }
    }
    if (!due.empty()) {
      auto r = run_one(a, due, exec_.command, true, stop);
      if (!r) return r.error();
      continue;
    }

    {
      std::lock_guard lock(mu_);
      next_ = next_name;
      next_at_ = next;
    }
    std::string line = next ? "next: " + next_name + " at " + format_iso8601(*next) : "nothing scheduled";
    if (line != announced_) {
      announced_ = line;
      ctx.console->info(line);
    }
    // Nothing scheduled (no connector, or all disabled or paused): wake now and then anyway;
    // a trigger, a new plan or stop() ends the sleep at once.
    SysTime until = next ? *next : now + std::chrono::hours(1);
    ctx.clock->sleep_until(until, [&] { return stop() || wake_.load() || (poll && poll()); });
  }
}

}  // namespace memconn
