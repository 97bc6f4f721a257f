// Hindsight as a Target: a bank on a Hindsight server (../shared/specs/hindsight.md). Items
// are MemoryItems, an edit is an upsert under the same document id, async retains are
// followed through the operations API, verify reads the documents list (content_hash).
#pragma once
#include <memory>
#include <optional>
#include <string_view>

#include "targets/target.h"

namespace memconn {

std::unique_ptr<Target> make_hindsight_target(TargetSpec spec, TargetEnv env);
// "<url>#<bank>" (the label) back into a spec: a URL has no '#' of its own, a bank id may.
std::optional<TargetSpec> hindsight_spec_from_label(std::string_view label);

}  // namespace memconn
