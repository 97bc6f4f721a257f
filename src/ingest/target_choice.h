#pragma once
// Which target an ingest (and the verify of that ingest) talks to: `--target NAME` names a
// [targets.NAME] of the config, of any kind; without it, the Hindsight bank of --url/--bank,
// the environment and [hindsight] - the shortcut most runs use.
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "config/command_setup.h"
#include "config/settings.h"
#include "targets/target.h"

namespace memconn {

Result<TargetSpec> choose_ingest_target(const GlobalOptions& g, const Config& cfg, const EnvLookup& env,
                                        const std::string& target_name);

// What every ingest-shaped run (ingest, a chat export, verify) resolves first: the config and
// its paths (config/command_setup: opened here with `where`, or `opened` by the caller), the
// tuning (flags over [defaults]) and the target (`fixed` when dlq retry names it, else as
// above). share: the run's connection caches (nullptr for none).
struct IngestSetup {
  std::unique_ptr<CommandSetup> owned;  // null when the caller's setup is used
  const CommandSetup* command = nullptr;  // never null
  Tuning tuning;
  std::unique_ptr<Target> target;
};
Result<IngestSetup> set_up_ingest(const GlobalOptions& g, const EnvLookup& env, const PathChoice& where,
                                  const TuningFlags& flags, const std::string& target_name,
                                  const std::optional<TargetSpec>& fixed, const CommandSetup* opened, CurlShare* share,
                                  Diagnostics& console);

}  // namespace memconn
