// LightRAG as a Target (../shared/specs/lightrag-and-memory-api.md part 1): items are texts
// under a file_source, inserts are indexed in the background (followed by track id), an edit
// is a delete and an insert, verify reads /documents/paginated, questions go to /query.
#pragma once
#include <memory>
#include <optional>
#include <string_view>

#include "targets/target.h"

namespace memconn {

std::unique_ptr<Target> make_lightrag_target(TargetSpec spec, TargetEnv env);
// "lightrag:<url>" (the label) back into a spec.
std::optional<TargetSpec> lightrag_spec_from_label(std::string_view label);

}  // namespace memconn
