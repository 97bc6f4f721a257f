#include "ingest/target_choice.h"

#include "base/exit_codes.h"
#include "targets/registry.h"

namespace memconn {

Result<TargetSpec> choose_ingest_target(const GlobalOptions& g, const Config& cfg, const EnvLookup& env,
                                        const std::string& target_name) {
  if (target_name.empty()) {
    auto hs = resolve_hindsight(g, cfg, env, true);
    if (!hs) return hs.error();
    return default_target_spec(*hs);
  }
  auto it = cfg.targets.find(target_name);
  if (it == cfg.targets.end()) {
    std::string known;
    for (const auto& [n, _] : cfg.targets) known += (known.empty() ? "" : ", ") + n;
    return Error{"--target " + target_name + ": no such target in " + cfg.path + " (configured: " +
                     (known.empty() ? "none" : known) + ")",
                 exit_code::kUsage};
  }
  // Mixing both would leave the user guessing which one received the items.
  if (g.url || g.bank) return Error{"--target names a configured target: --url and --bank do not apply", exit_code::kUsage};
  return configured_target_spec(cfg, it->second);
}

}  // namespace memconn
