#include "connectors/connector_views.h"

#include <signal.h>

#include <cerrno>
#include <map>
#include <string>

#include "state/atomic_file.h"
#include "state/dead_letter.h"

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

}  // namespace

Result<std::unique_ptr<ConnectorViews>> load_connector_views(const ConnectorContext& c, const std::string& only) {
  if (!only.empty())
    if (auto f = find_connector(c.cfg, only); !f) return f.error();
  auto st = load_state(c.paths.state);
  if (!st) return st.error();
  auto l = std::make_unique<ConnectorViews>();
  l->state = std::move(*st);
  std::map<std::string, size_t> dead;
  if (file_exists(c.paths.dead_letter)) {
    auto entries = read_dead_letters(c.paths.dead_letter);
    if (entries)
      for (const auto& d : *entries)
        if (!d.connector.empty()) ++dead[d.connector];
  }
  uint64_t holder = lock_holder(c.paths.lock);
  for (const auto& [name, conn] : c.cfg.connectors) {
    if (!only.empty() && name != only) continue;
    ConnectorView v;
    v.connector = &conn;
    v.source = &c.cfg.sources.at(conn.source);
    v.target = &c.cfg.targets.at(conn.target);
    auto it = l->state.connectors.find(name);
    if (it != l->state.connectors.end()) {
      v.state = &it->second;
      // The marker names a pid; it is running only if that process is alive and is the
      // one the lock file names (a reused pid would not be).
      if (uint64_t pid = it->second.running_pid) {
        v.running = pid == holder && alive(pid);
        v.died = !v.running;
      }
    }
    if (auto d = dead.find(name); d != dead.end()) v.dead_letters = d->second;
    l->views.push_back(v);
  }
  return l;
}

}  // namespace memconn
