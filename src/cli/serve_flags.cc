#include <memory>

#include "cli/app.h"
#include "cli/serve.h"

namespace memconn {

void register_serve(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<ServeOptions>();
  auto* sub = app.add_subcommand("serve", "Run the connector service (like sync --watch) with its HTTP API for "
                                          "status, metrics, triggers, pauses and connector changes");
  sub->add_option("--listen", o->listen,
                  "Address and port of the API (default [api] listen, else 127.0.0.1:8080); anything but loopback "
                  "needs [api] key")
      ->type_name("ADDR:PORT");
  sub->add_flag("--wait", o->wait, "LightRAG targets: wait until the sent documents are indexed (processed/failed)");
  add_tuning_options(*sub, o->tuning);
  sub->footer(
      "Every endpoint but /api/v1/health and /api/v1/openapi.json needs Authorization: Bearer <[api] key>.\n"
      "Connectors created through the API are kept in connectors.d/ beside the config, where list, status\n"
      "and sync find them too. SIGHUP re-reads the config; SIGTERM finishes the run in progress (its\n"
      "requests in flight and checkpoint, within --drain-timeout) and exits 0.\n\n"
      "Examples:\n"
      "  memconn serve                                  # http://127.0.0.1:8080\n"
      "  MEMCONN_API_KEY=... memconn serve --listen 0.0.0.0:8080\n"
      "  curl -s localhost:8080/api/v1/health\n\n" +
      exit_codes_help());
  sub->callback([o, &ctx] { ctx.exit_code = run_serve(ctx.global, *o); });
}

}  // namespace memconn
