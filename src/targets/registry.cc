#include "targets/registry.h"

#include <type_traits>

#include "base/signals.h"
#include "targets/hindsight/target.h"
#include "targets/lightrag/target.h"

namespace memconn {

namespace {

// One row per TargetKind, in the enum's order (checked below and in registry_test.cc).
constexpr TargetKindRow kRows[] = {
    {TargetKind::kHindsight, make_hindsight_target, hindsight_spec_from_label},
    {TargetKind::kLightrag, make_lightrag_target, lightrag_spec_from_label},
};
static_assert(std::size(kRows) == kTargetKindCount, "every TargetKind needs exactly one row in targets/registry.cc");

constexpr bool rows_in_enum_order() {
  for (size_t i = 0; i < std::size(kRows); ++i)
    if (static_cast<size_t>(kRows[i].kind) != i) return false;
  return true;
}
static_assert(rows_in_enum_order(), "targets/registry.cc rows must follow TargetKind's order");

}  // namespace

std::span<const TargetKindRow> target_kinds() { return kRows; }

std::unique_ptr<Target> make_target(TargetSpec spec, TargetEnv env) {
  const auto& row = kRows[static_cast<size_t>(spec.kind)];
  return row.make(std::move(spec), std::move(env));
}

std::optional<TargetSpec> spec_from_label(std::string_view label) {
  for (const auto& row : kRows)
    if (auto s = row.spec_from_label(label)) return s;
  return std::nullopt;
}

Result<TargetSpec> configured_target_spec(const Config& cfg, const TargetConfig& t) {
  auto key = resolve_section_key(cfg, "targets." + t.name, t.line, t.api_key, t.api_key_file);
  if (!key) return key.error();
  TargetSpec s;
  s.kind = t.kind;
  s.name = t.name;
  s.url = t.url;
  s.api_key = *key;
  s.bank = t.bank;
  s.ca_file = t.ca_file;
  if (!t.ca_file.empty()) s.ca_file_origin = cfg.path + " [targets." + t.name + "] ca_file";
  s.query_mode = t.query_mode.value_or("");
  return s;
}

TargetSpec default_target_spec(const HindsightSettings& hs) {
  TargetSpec s;
  s.kind = TargetKind::kHindsight;
  s.url = hs.url;
  s.api_key = hs.api_key;
  s.bank = hs.bank;
  s.ca_file = hs.ca_file;
  s.ca_file_origin = hs.ca_file_origin;
  return s;
}

TargetEnv target_env(const Tuning& tuning, CurlShare* share, Diagnostics& console) {
  TargetEnv env;
  env.http = http_options(tuning);
  env.share = share;
  env.console = &console;
  env.retries = tuning.retries;
  env.stopping = [] { return stop_signal_received() != 0; };
  return env;
}

}  // namespace memconn
