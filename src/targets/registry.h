// The kinds of target memconn speaks, one row each: how to make one and how to read its
// label back. Adding a kind is a folder under targets/, a row here, its keys in
// config/config.cc and a stand-in in tests/standin/ (docs/architecture.md).
#pragma once
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "config/config.h"
#include "config/settings.h"
#include "targets/target.h"

namespace memconn {

struct TargetKindRow {
  TargetKind kind;
  std::unique_ptr<Target> (*make)(TargetSpec spec, TargetEnv env);
  std::optional<TargetSpec> (*spec_from_label)(std::string_view label);
};
std::span<const TargetKindRow> target_kinds();

// The target a spec describes. env.console must be set.
std::unique_ptr<Target> make_target(TargetSpec spec, TargetEnv env);
// A dead letter's or a pending operation's target label back into a spec (without
// credentials: the caller decides which key, if any, may go there). nullopt: no kind's label.
std::optional<TargetSpec> spec_from_label(std::string_view label);
// [targets.NAME] as a spec, its key resolved (a missing or empty key file is a config error
// naming the section's file:line).
Result<TargetSpec> configured_target_spec(const Config& cfg, const TargetConfig& t);
// The default target of ingest, recall, reflect and verify: the Hindsight bank that flags,
// the environment and [hindsight] name (config/settings.h resolve_hindsight).
TargetSpec default_target_spec(const HindsightSettings& hs);
// What every target of a run borrows: the tuning's HTTP settings, the shared connection
// caches, the console, the retry count and the stop signal.
TargetEnv target_env(const Tuning& tuning, CurlShare* share, Diagnostics& console);

}  // namespace memconn
