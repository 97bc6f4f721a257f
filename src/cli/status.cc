// `memconn list` and `memconn status`: read-only views of config + state. They never take
// the state lock (state writes are atomic renames), so they work while a sync runs.
#include <signal.h>

#include <cerrno>
#include <iostream>

#include "state/atomic_file.h"
#include "cli/console.h"
#include "cli/connectors.h"
#include "connectors/context.h"
#include "connectors/status.h"
#include "state/dead_letter.h"
#include "state/state.h"

namespace memconn {

namespace {

// The holder's pid as the lock file records it, or 0.
uint64_t lock_holder(const std::string& lock_path) {
  auto text = read_whole_file(lock_path);
  if (!text) return 0;
  try {
    return std::stoull(*text);
  } catch (...) {
    return 0;
  }
}

bool alive(uint64_t pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

struct Loaded {
  std::unique_ptr<ConnectorContext> ctx;
  State state;
  std::vector<ConnectorView> views;
};

Result<Loaded> load_views(const GlobalOptions& g, const std::string& only) {
  // list and status talk to no server: a key naming an unset variable is no reason to fail.
  auto ctx = load_connector_context(g, false, new_console(g), false);
  if (!ctx) return ctx.error();
  Loaded l;
  l.ctx = std::move(*ctx);
  auto& c = *l.ctx;
  if (!only.empty())
    if (auto f = find_connector(c.cfg, only); !f) return f.error();
  auto st = load_state(c.state_path);
  if (!st) return st.error();
  l.state = std::move(*st);
  std::map<std::string, size_t> dead;
  if (file_exists(c.dead_letter_path)) {
    auto entries = read_dead_letters(c.dead_letter_path);
    if (entries)
      for (const auto& d : *entries)
        if (!d.connector.empty()) ++dead[d.connector];
  }
  uint64_t holder = lock_holder(c.state_path + ".lock");
  for (const auto& [name, conn] : c.cfg.connectors) {
    if (!only.empty() && name != only) continue;
    ConnectorView v;
    v.connector = &conn;
    v.source = &c.cfg.sources.at(conn.source);
    v.target = &c.cfg.targets.at(conn.target);
    auto it = l.state.connectors.find(name);
    if (it != l.state.connectors.end()) {
      v.state = &it->second;
      // The marker names a pid; it is running only if that process is alive and is the
      // one the lock file names (a reused pid would not be).
      if (uint64_t pid = it->second.running_pid) {
        v.running = pid == holder && alive(pid);
        v.died = !v.running;
      }
    }
    if (auto d = dead.find(name); d != dead.end()) v.dead_letters = d->second;
    l.views.push_back(v);
  }
  return l;
}

int fail(const GlobalOptions& g, const Error& e) {
  Console console = make_console(g);
  console.error(e.message);
  return e.exit_code;
}

}  // namespace

int run_list(const GlobalOptions& g) {
  auto l = load_views(g, "");
  if (!l) return fail(g, l.error());
  if (l->views.empty() && !g.json && !g.quiet)
    l->ctx->console->info("no connectors configured in " + l->ctx->cfg.path + " (see docs/connectors.md)");
  auto now = l->ctx->clock->now();
  std::cout << (g.json ? list_json(l->views, now) + "\n" : list_table(l->views, now)) << std::flush;
  return 0;
}

int run_status(const GlobalOptions& g, const StatusOptions& o) {
  auto l = load_views(g, o.name);
  if (!l) return fail(g, l.error());
  if (l->views.empty() && !g.json && !g.quiet)
    l->ctx->console->info("no connectors configured in " + l->ctx->cfg.path + " (see docs/connectors.md)");
  auto now = l->ctx->clock->now();
  const auto& dl = l->ctx->dead_letter_path;
  std::cout << (g.json ? status_json(l->views, now, dl) + "\n" : status_text(l->views, now, dl)) << std::flush;
  return 0;
}

}  // namespace memconn
