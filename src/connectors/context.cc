#include "connectors/context.h"

#include "base/exit_codes.h"

namespace memconn {

Result<std::unique_ptr<ConnectorContext>> load_connector_context(const GlobalOptions& g, bool require_connectors,
                                                                 std::unique_ptr<Diagnostics> console,
                                                                 bool resolve_secrets) {
  auto ctx = std::make_unique<ConnectorContext>(std::move(console));
  auto setup = CommandSetup::open(g, ctx->env, {}, resolve_secrets);
  if (!setup) return setup.error();
  ctx->cfg = std::move(setup->config());
  ctx->paths = setup->paths();
  if (require_connectors && ctx->cfg.connectors.empty())
    return Error{ctx->cfg.path + ": no connectors configured (add a [connectors.NAME] table: man memconn, CONFIGURATION; /usr/share/doc/memconn/connectors.md)",
                 exit_code::kConfig};
  auto clock = clock_from_env(ctx->env);
  if (!clock) return clock.error();
  ctx->clock = std::move(*clock);
  return ctx;
}

Result<const ConnectorConfig*> find_connector(const Config& cfg, const std::string& name) {
  auto it = cfg.connectors.find(name);
  if (it != cfg.connectors.end()) return &it->second;
  std::string known;
  for (const auto& [n, _] : cfg.connectors) known += (known.empty() ? "" : ", ") + n;
  return Error{"unknown connector \"" + name + "\" (configured: " + (known.empty() ? "none" : known) + ")",
               exit_code::kUsage};
}

}  // namespace memconn
