// sync (one pass over due connectors, for cron), sync --watch (a long-running service, on the
// loop of connectors/scheduler.h that `serve` runs too) and trigger (one connector now). All
// three share the per-connector run of connectors/executor.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <iostream>

#include "cli/connectors.h"
#include "cli/console.h"
#include "connectors/executor.h"
#include "connectors/report.h"
#include "connectors/scheduler.h"
#include "connectors/state_session.h"
#include "connectors/status.h"
#include "base/exit_codes.h"
#include "base/signals.h"
#include "state/state.h"

namespace memconn {

namespace {

int signal_exit(int sig) { return sig == SIGTERM ? exit_code::kSigTerm : exit_code::kSigInt; }

class SyncCommand {
 public:
  SyncCommand(const GlobalOptions& g, ConnectorContext& ctx, Tuning tuning)
      : g_(g), ctx_(ctx), exec_(ctx, tuning, g.verbose) {}

  // One pass: runs the due (or named) connectors under the lock.
  int pass(StateSession& session, const std::vector<const ConnectorConfig*>& candidates, bool only_due,
           const ExecOptions& opt, std::vector<ConnectorRunReport>& runs, std::vector<NotDue>& not_due) {
    std::vector<int> codes;
    for (const auto* c : candidates) {
      if (int sig = stop_signal_received()) {
        codes.push_back(signal_exit(sig));
        break;
      }
      auto now = ctx_.clock->now();
      auto& all = session.state().connectors;
      if (only_due) {
        auto it = all.find(c->name);
        const ConnectorState* st = it == all.end() ? nullptr : &it->second;
        auto due = next_due(*c, st, now);
        if (!due) continue;  // disabled
        if (!due_now(*c, st, now)) {
          ctx_.console->debug(c->name + ": not due until " + format_iso8601(*due));
          not_due.push_back({c->name, format_iso8601(*due)});
          continue;
        }
      }
      auto rep = exec_.run(*c, all[c->name], opt, [&] { return session.save(); });
      if (!g_.quiet) ctx_.console->info(connector_summary(rep));
      codes.push_back(rep.exit_code);
      runs.push_back(std::move(rep));
    }
    return combine_exit_codes(codes);
  }

  std::string dead_letter_note() const {
    return exec_.dead_letters_written() ? ctx_.paths.dead_letter : "";
  }

 private:
  const GlobalOptions& g_;
  ConnectorContext& ctx_;
  ConnectorExecutor exec_;
};

int fail(Diagnostics& console, const Error& e) {
  console.error(e.message);
  return e.exit_code;
}

Result<std::vector<const ConnectorConfig*>> pick(const Config& cfg, const std::vector<std::string>& names) {
  std::vector<const ConnectorConfig*> out;
  if (names.empty()) {
    for (const auto& [_, c] : cfg.connectors) out.push_back(&c);
    return out;
  }
  for (const auto& n : names) {
    auto c = find_connector(cfg, n);
    if (!c) return c.error();
    if (std::find(out.begin(), out.end(), *c) == out.end()) out.push_back(*c);
  }
  return out;
}

// SIGHUP asks sync --watch to re-read its config. Set by the handler, taken by the watch
// loop: a lock-free atomic is async-signal-safe.
std::atomic<bool> g_reload{false};
void on_hangup(int) { g_reload.store(true); }
void install_reload_signal() {
  struct sigaction sa{};
  sa.sa_handler = on_hangup;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGHUP, &sa, nullptr);
}

// The plan sync --watch runs from: the config's connectors (or the named ones), the tuning.
Result<SchedulePlan> watch_plan(const GlobalOptions& g, const SyncOptions& o, std::shared_ptr<ConnectorContext> ctx) {
  auto tuning = resolve_tuning(o.tuning, ctx->cfg.defaults);
  if (!tuning) return tuning.error();
  auto candidates = pick(ctx->cfg, o.names);
  if (!candidates) return candidates.error();
  if (std::none_of(candidates->begin(), candidates->end(), [](const auto* c) { return c->enabled; }))
    return Error{"sync --watch: no enabled connector to run (enabled = false everywhere)", exit_code::kConfig};
  return SchedulePlan{std::move(ctx), *tuning, o.names, g.verbose};
}

// With --json, one run object per line as each run ends.
class JsonLines : public SchedulerObserver {
 public:
  void run_started(const std::string&, const std::string&) override {}
  void run_finished(const ConnectorRunReport& r) override { std::cout << connector_report_json(r) << std::endl; }
};

// Stays up (connectors/scheduler.h): runs what is due, one connector at a time under the
// lock, and sleeps until the next falls due. SIGHUP re-reads the config between runs: a new
// config replaces the old one only if it is complete and usable; otherwise the service says
// why and carries on with what it had.
int watch(const GlobalOptions& g, const SyncOptions& o, SchedulePlan plan, const ExecOptions& opt) {
  JsonLines json;
  auto clock = plan.ctx->clock;  // one clock for the service's life (MEMCONN_FAKE_*)
  Diagnostics* console = plan.ctx->console.get();
  Scheduler scheduler(std::move(plan), opt, g.json ? &json : nullptr);
  auto reload = [&]() -> bool {
    if (!g_reload.exchange(false)) return false;
    auto fresh = load_connector_context(g, true, new_console(g));
    Result<SchedulePlan> next = fresh ? watch_plan(g, o, std::move(*fresh)) : Result<SchedulePlan>(fresh.error());
    if (!next) {
      console->error("SIGHUP: " + next.error().message + "; keeping the previous config");
      return false;
    }
    next->ctx->clock = clock;
    console = next->ctx->console.get();
    std::string path = next->ctx->cfg.path;
    scheduler.replace(std::move(*next));
    if (!g.quiet) console->info("SIGHUP: config reloaded from " + path);
    return true;
  };
  auto st = scheduler.run([] { return stop_signal_received() != 0; }, reload);
  if (int sig = stop_signal_received()) return signal_exit(sig);
  if (!st) return fail(*console, st.error());
  return exit_code::kOk;
}

}  // namespace

int run_sync(const GlobalOptions& g, const SyncOptions& o) {
  auto ctx = load_connector_context(g, true, new_console(g));
  if (!ctx) {
    Console console = make_console(g);
    return fail(console, ctx.error());
  }
  if (o.watch) {
    ExecOptions opt;
    opt.wait = o.wait;
    opt.command = "sync --watch";
    auto plan = watch_plan(g, o, std::move(*ctx));
    if (!plan) {
      Console console = make_console(g);
      return fail(console, plan.error());
    }
    install_stop_signals();
    install_reload_signal();
    return watch(g, o, std::move(*plan), opt);
  }
  auto& c = **ctx;
  auto tuning = resolve_tuning(o.tuning, c.cfg.defaults);
  if (!tuning) return fail(*c.console, tuning.error());
  auto candidates = pick(c.cfg, o.names);
  if (!candidates) return fail(*c.console, candidates.error());
  install_stop_signals();
  SyncCommand cmd(g, c, *tuning);
  ExecOptions opt;
  opt.wait = o.wait;
  opt.command = "sync";

  auto session = StateSession::open(c.paths, o.wait_lock);
  if (!session) return fail(*c.console, session.error());
  std::vector<ConnectorRunReport> runs;
  std::vector<NotDue> not_due;
  int code = cmd.pass(*session, *candidates, true, opt, runs, not_due);
  if (runs.empty() && !g.quiet) {
    std::string msg = "nothing is due";
    if (!not_due.empty()) {
      auto first = std::min_element(not_due.begin(), not_due.end(),
                                     [](const NotDue& a, const NotDue& b) { return a.next_due < b.next_due; });
      msg += "; next: " + first->connector + " at " + first->next_due;
    }
    c.console->info(msg);
  }
  auto dl = cmd.dead_letter_note();
  if (!dl.empty() && !g.quiet) c.console->info("dead letters in " + dl + " (memconn dlq list)");
  if (g.json) std::cout << sync_report_json("sync", runs, not_due, code, dl) << std::endl;
  return code;
}

int run_trigger(const GlobalOptions& g, const TriggerOptions& o) {
  auto ctx = load_connector_context(g, true, new_console(g));
  if (!ctx) {
    Console console = make_console(g);
    return fail(console, ctx.error());
  }
  auto& c = **ctx;
  auto conn = find_connector(c.cfg, o.name);
  if (!conn) return fail(*c.console, conn.error());
  auto tuning = resolve_tuning(o.tuning, c.cfg.defaults);
  if (!tuning) return fail(*c.console, tuning.error());
  if (!(*conn)->enabled && !g.quiet)
    c.console->info(o.name + " is disabled (enabled = false); running it because you named it");
  else if ((*conn)->paused && !g.quiet)
    c.console->info(o.name + " is paused (since " + (*conn)->paused_since + "); running it because you named it");
  install_stop_signals();
  auto session = StateSession::open(c.paths, o.wait_lock);
  if (!session) return fail(*c.console, session.error());
  SyncCommand cmd(g, c, *tuning);
  ExecOptions opt;
  opt.full = o.full;
  opt.reprocess_failed = o.reprocess_failed;
  opt.wait = o.wait;
  opt.command = o.full ? "trigger --full" : "trigger";
  std::vector<ConnectorRunReport> runs;
  std::vector<NotDue> not_due;
  int code = cmd.pass(*session, {*conn}, false, opt, runs, not_due);
  auto dl = cmd.dead_letter_note();
  if (!dl.empty() && !g.quiet) c.console->info("dead letters in " + dl + " (memconn dlq list)");
  if (g.json) std::cout << sync_report_json("trigger", runs, not_due, code, dl) << std::endl;
  return code;
}

}  // namespace memconn
