#include "cli/serve.h"

#include <signal.h>

#include <atomic>

#include "base/signals.h"
#include "cli/console.h"
#include "connectors/context.h"
#include "serve/api_settings.h"
#include "serve/service.h"

namespace memconn {

namespace {

// SIGHUP asks the service to re-read its config: set by the handler, taken by the loop
// (a lock-free atomic is async-signal-safe).
std::atomic<bool> g_hangup{false};
void on_hangup(int) { g_hangup.store(true); }

int fail(const GlobalOptions& g, const Error& e) {
  Console console = make_console(g);
  console.error(e.message);
  return e.exit_code;
}

}  // namespace

int run_serve(const GlobalOptions& g, const ServeOptions& o) {
  // No connector yet is fine: the API is how one may be added.
  auto loaded = load_connector_context(g, false, new_console(g));
  if (!loaded) return fail(g, loaded.error());
  std::shared_ptr<ConnectorContext> ctx = std::move(*loaded);
  auto api = resolve_api_settings(ctx->cfg, o.listen, ctx->env);
  if (!api) return fail(g, api.error());
  auto tuning_of = [flags = o.tuning](const Config& cfg) { return resolve_tuning(flags, cfg.defaults); };
  auto tuning = tuning_of(ctx->cfg);
  if (!tuning) return fail(g, tuning.error());

  ServiceOptions so;
  so.api = *api;
  so.exec.wait = o.wait;
  so.exec.command = "serve";
  so.verbose = g.verbose;
  so.tuning = tuning_of;
  so.load = [g]() -> Result<std::shared_ptr<ConnectorContext>> {
    auto c = load_connector_context(g, false, new_console(g));
    if (!c) return c.error();
    return std::shared_ptr<ConnectorContext>(std::move(*c));
  };
  so.take_reload = [] { return g_hangup.exchange(false); };

  install_stop_signals();
  struct sigaction sa{};
  sa.sa_handler = on_hangup;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGHUP, &sa, nullptr);

  Diagnostics& console = *ctx->console;
  auto service = Service::start(ctx, *tuning, std::move(so));
  if (!service) return fail(g, service.error());
  ListenAddress at = api->listen;
  at.port = (*service)->port();
  // The first line a supervisor (or a test) waits for; it names the real port when --listen
  // asked for port 0.
  console.info("serve: listening on " + at.url() + " (" + std::to_string(ctx->cfg.connectors.size()) +
               " connectors; API key " + (api->key.empty() ? "off: loopback only" : "required") + ")");
  return (*service)->run();
}

}  // namespace memconn
