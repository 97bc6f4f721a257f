// What every connector command loads first: the config (which must define connectors),
// where the state and dead letters live, the scheduling clock, and lookups by name with
// the documented exit codes.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "base/diagnostics.h"
#include "config/command_setup.h"
#include "config/settings.h"
#include "connectors/sync_clock.h"

namespace memconn {

struct ConnectorContext {
  explicit ConnectorContext(std::unique_ptr<Diagnostics> diagnostics) : console(std::move(diagnostics)) {}
  std::unique_ptr<Diagnostics> console;  // never null
  EnvLookup env = process_env();
  Config cfg;
  CommandPaths paths;  // where the state, its lock and the dead letters are (config/command_setup)
  // Shared: a reloaded config keeps the clock of the service it reloads (MEMCONN_FAKE_*), and
  // a run still using the old context keeps it alive.
  std::shared_ptr<SyncClock> clock;
};

// Errors: config problems (3), no [connectors.*] at all when require_connectors (3: sync
// and trigger have nothing to do; list and status just show nothing), bad MEMCONN_FAKE_* (2).
// resolve_secrets = false for commands that talk to no server (list, status).
Result<std::unique_ptr<ConnectorContext>> load_connector_context(const GlobalOptions& g, bool require_connectors,
                                                                 std::unique_ptr<Diagnostics> console,
                                                                 bool resolve_secrets = true);

// Usage error (2) naming the configured connectors when `name` is not one of them.
Result<const ConnectorConfig*> find_connector(const Config& cfg, const std::string& name);

}  // namespace memconn
