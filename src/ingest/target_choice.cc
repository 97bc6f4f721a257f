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

Result<IngestSetup> set_up_ingest(const GlobalOptions& g, const EnvLookup& env, const PathChoice& where,
                                  const TuningFlags& flags, const std::string& target_name,
                                  const std::optional<TargetSpec>& fixed, const CommandSetup* opened, CurlShare* share,
                                  Diagnostics& console) {
  IngestSetup s;
  s.command = opened;
  if (!opened) {
    auto command = CommandSetup::open(g, env, where);
    if (!command) return command.error();
    s.owned = std::make_unique<CommandSetup>(std::move(*command));
    s.command = s.owned.get();
  }
  const Config& cfg = s.command->config();
  auto t = resolve_tuning(flags, cfg.defaults);
  if (!t) return t.error();
  s.tuning = *t;
  TargetSpec spec;
  if (fixed) {
    spec = *fixed;
  } else {
    auto chosen = choose_ingest_target(g, cfg, env, target_name);
    if (!chosen) return chosen.error();
    spec = std::move(*chosen);
  }
  s.target = make_target(std::move(spec), target_env(s.tuning, share, console));
  return s;
}

}  // namespace memconn
