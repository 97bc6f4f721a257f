#pragma once
// Which target an ingest (and the verify of that ingest) talks to: `--target NAME` names a
// [targets.NAME] of the config, of any kind; without it, the Hindsight bank of --url/--bank,
// the environment and [hindsight] - the shortcut most runs use.
#include <string>

#include "base/result.h"
#include "config/settings.h"
#include "targets/target.h"

namespace memconn {

Result<TargetSpec> choose_ingest_target(const GlobalOptions& g, const Config& cfg, const EnvLookup& env,
                                        const std::string& target_name);

}  // namespace memconn
