#include "connectors/context.h"

#include "state/dead_letter.h"
#include "base/exit_codes.h"

namespace memconn {

Result<std::unique_ptr<ConnectorContext>> load_connector_context(const GlobalOptions& g, bool require_connectors,
                                                                 std::unique_ptr<Diagnostics> console,
                                                                 bool resolve_secrets) {
  auto ctx = std::make_unique<ConnectorContext>(std::move(console));
  auto cfg = load_settings_config(g, ctx->env, resolve_secrets);
  if (!cfg) return cfg.error();
  ctx->cfg = std::move(*cfg);
  if (require_connectors && ctx->cfg.connectors.empty())
    return Error{ctx->cfg.path + ": no connectors configured (add a [connectors.NAME] table: man memconn, CONFIGURATION; /usr/share/doc/memconn/connectors.md)",
                 exit_code::kConfig};
  ctx->state_path = resolve_state_path(g, ctx->cfg, ctx->env);
  ctx->dead_letter_path = dead_letter_path_for(ctx->state_path);
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
