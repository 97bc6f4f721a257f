// sync (one pass over due connectors, for cron), sync --watch (a long-running service) and
// trigger (one connector now). All three share the per-connector run of connector_exec.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <iostream>

#include "cli/connectors.h"
#include "cli/console.h"
#include "connectors/executor.h"
#include "connectors/report.h"
#include "connectors/status.h"
#include "base/exit_codes.h"
#include "state/lock_file.h"
#include "base/signals.h"
#include "state/state.h"

namespace memconn {

namespace {

int signal_exit(int sig) { return sig == SIGTERM ? exit_code::kSigTerm : exit_code::kSigInt; }

// Holds the state lock and the loaded State for one pass; every save goes through here.
class StateSession {
 public:
  static Result<StateSession> open(const std::string& state_path, bool wait) {
    auto lock = FileLock::acquire(state_path + ".lock", wait);
    if (!lock) return lock.error();
    auto st = load_state(state_path);
    if (!st) return st.error();
    return StateSession(state_path, std::move(*lock), std::move(*st));
  }
  State& state() { return state_; }
  Status save() { return save_state(path_, state_); }

 private:
  StateSession(std::string path, FileLock lock, State state)
      : path_(std::move(path)), lock_(std::move(lock)), state_(std::move(state)) {}
  std::string path_;
  FileLock lock_;
  State state_;
};

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
      ExecOptions run_opt = opt;
      if (watch_) run_opt.outage_cap = outage_cap(*c, candidates, session.state(), now);
      auto rep = exec_.run(*c, all[c->name], run_opt, [&] { return session.save(); });
      if (!g_.quiet) ctx_.console->info(connector_summary(rep));
      codes.push_back(rep.exit_code);
      if (g_.json && watch_) std::cout << connector_report_json(rep) << std::endl;
      runs.push_back(std::move(rep));
    }
    return combine_exit_codes(codes);
  }

  // In watch mode connectors run one after another, so one target's outage must end by the
  // time the next other connector falls due (never sooner than kMinOutage, so a blip is not
  // an outage); that connector's run then ends "unreachable" and is retried on schedule.
  static std::optional<std::chrono::milliseconds> outage_cap(const ConnectorConfig& self,
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

  std::string dead_letter_note() const {
    return exec_.dead_letters_written() ? ctx_.dead_letter_path : "";
  }
  void set_watch(bool w) { watch_ = w; }

 private:
  const GlobalOptions& g_;
  ConnectorContext& ctx_;
  ConnectorExecutor exec_;
  bool watch_ = false;
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

// Everything a config (re)load produces, replaced as a whole.
struct Watched {
  std::unique_ptr<ConnectorContext> ctx;
  std::unique_ptr<SyncCommand> cmd;                 // refers to *ctx
  std::vector<const ConnectorConfig*> candidates;  // point into ctx->cfg
};

Result<Watched> make_watched(const GlobalOptions& g, const SyncOptions& o, std::unique_ptr<ConnectorContext> ctx) {
  auto tuning = resolve_tuning(o.tuning, ctx->cfg.defaults);
  if (!tuning) return tuning.error();
  auto candidates = pick(ctx->cfg, o.names);
  if (!candidates) return candidates.error();
  if (std::none_of(candidates->begin(), candidates->end(), [](const auto* c) { return c->enabled; }))
    return Error{"sync --watch: no enabled connector to run (enabled = false everywhere)", exit_code::kConfig};
  Watched w;
  w.cmd = std::make_unique<SyncCommand>(g, *ctx, *tuning);
  w.cmd->set_watch(true);
  w.candidates = std::move(*candidates);
  w.ctx = std::move(ctx);
  return w;
}

// A new config replaces the old one only if it is complete and usable; otherwise the
// service says why and carries on with what it had.
void reload(const GlobalOptions& g, const SyncOptions& o, Watched& w) {
  auto fresh = load_connector_context(g, true, new_console(g));
  Result<Watched> next = fresh ? make_watched(g, o, std::move(*fresh)) : Result<Watched>(fresh.error());
  if (!next) {
    w.ctx->console->error("SIGHUP: " + next.error().message + "; keeping the previous config");
    return;
  }
  next->ctx->clock = std::move(w.ctx->clock);  // one clock for the service's life (MEMCONN_FAKE_*)
  w.cmd.reset();
  w.candidates.clear();
  w.ctx = std::move(next->ctx);
  w.cmd = std::move(next->cmd);
  w.candidates = std::move(next->candidates);
  if (!g.quiet) w.ctx->console->info("SIGHUP: config reloaded from " + w.ctx->cfg.path);
}

// Stays up: every pass takes the lock, runs what is due, releases the lock (so `trigger`,
// `ingest` and `status` work meanwhile) and sleeps until the next connector falls due. A
// connector never runs twice at once: passes are sequential here, and another process
// needs the same lock. SIGHUP re-reads the config between passes.
int watch(const GlobalOptions& g, const SyncOptions& o, Watched w, const ExecOptions& opt) {
  // A service waits for the lock by nature (a manual trigger may hold it for a while).
  for (;;) {
    if (int sig = stop_signal_received()) return signal_exit(sig);
    if (g_reload.exchange(false)) reload(g, o, w);
    ConnectorContext& ctx = *w.ctx;
    std::optional<SysTime> next;
    std::string next_name;
    {
      auto session = StateSession::open(ctx.state_path, true);
      if (!session) {
        if (int sig = stop_signal_received()) return signal_exit(sig);
        return fail(*ctx.console, session.error());
      }
      std::vector<ConnectorRunReport> runs;
      std::vector<NotDue> not_due;
      w.cmd->pass(*session, w.candidates, true, opt, runs, not_due);
      if (int sig = stop_signal_received()) return signal_exit(sig);
      auto now = ctx.clock->now();
      for (const auto* c : w.candidates) {
        auto it = session->state().connectors.find(c->name);
        auto due = next_due(*c, it == session->state().connectors.end() ? nullptr : &it->second, now);
        if (due && (!next || *due < *next)) {
          next = due;
          next_name = c->name;
        }
      }
    }  // the lock is released here, before sleeping
    if (!next) return exit_code::kConfig;  // cannot happen: some connector is enabled
    if (*next > ctx.clock->now()) {
      if (!g.quiet) ctx.console->info("next: " + next_name + " at " + format_iso8601(*next));
      if (!ctx.clock->sleep_until(*next, [] { return stop_signal_received() != 0 || g_reload.load(); }))
        if (int sig = stop_signal_received()) return signal_exit(sig);  // else a SIGHUP woke us
    }
  }
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
    auto w = make_watched(g, o, std::move(*ctx));
    if (!w) {
      Console console = make_console(g);
      return fail(console, w.error());
    }
    install_stop_signals();
    install_reload_signal();
    return watch(g, o, std::move(*w), opt);
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

  auto session = StateSession::open(c.state_path, o.wait_lock);
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
  if (g.json) std::cout << sync_report_json(runs, not_due, code, dl) << std::endl;
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
  install_stop_signals();
  auto session = StateSession::open(c.state_path, o.wait_lock);
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
  if (g.json) std::cout << sync_report_json(runs, not_due, code, dl) << std::endl;
  return code;
}

}  // namespace memconn
