// `memconn list` and `memconn status`: read-only views of config + state. They never take
// the state lock (state writes are atomic renames), so they work while a sync runs.
#include <iostream>

#include "cli/console.h"
#include "cli/connectors.h"
#include "connectors/connector_views.h"
#include "connectors/context.h"
#include "connectors/status.h"

namespace memconn {

namespace {

struct Loaded {
  std::unique_ptr<ConnectorContext> ctx;
  std::unique_ptr<ConnectorViews> views;
};

Result<Loaded> load_views(const GlobalOptions& g, const std::string& only) {
  // list and status talk to no server: a key naming an unset variable is no reason to fail.
  auto ctx = load_connector_context(g, false, new_console(g), false);
  if (!ctx) return ctx.error();
  auto views = load_connector_views(**ctx, only);
  if (!views) return views.error();
  return Loaded{std::move(*ctx), std::move(*views)};
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
  if (l->views->views.empty() && !g.json && !g.quiet)
    l->ctx->console->info("no connectors configured in " + l->ctx->cfg.path + " (add a [connectors.NAME] table: man memconn, CONFIGURATION; /usr/share/doc/memconn/connectors.md)");
  auto now = l->ctx->clock->now();
  std::cout << (g.json ? list_json(l->views->views, now) + "\n" : list_table(l->views->views, now)) << std::flush;
  return 0;
}

int run_status(const GlobalOptions& g, const StatusOptions& o) {
  auto l = load_views(g, o.name);
  if (!l) return fail(g, l.error());
  if (l->views->views.empty() && !g.json && !g.quiet)
    l->ctx->console->info("no connectors configured in " + l->ctx->cfg.path + " (add a [connectors.NAME] table: man memconn, CONFIGURATION; /usr/share/doc/memconn/connectors.md)");
  auto now = l->ctx->clock->now();
  const auto& paths = l->ctx->paths;
  std::cout << (g.json ? status_json(l->views->views, now, paths) + "\n" : status_text(l->views->views, now, paths))
            << std::flush;
  return 0;
}

}  // namespace memconn
