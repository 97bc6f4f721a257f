// --wait for async retains: follow each operation to a terminal status, with progress.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "targets/hindsight.h"

namespace memconn {

struct OperationsSummary {
  size_t total = 0, completed = 0, failed = 0;
  std::vector<std::string> failures;  // "op <id> (<sources>): <status>: <error>"
};

OperationsSummary follow_operations(HttpClient& client, const HindsightEndpoint& ep, const std::vector<std::string>& ops,
                                    Diagnostics& console,
                                    const std::function<std::vector<std::string>(const std::string&)>& sources_of);

}  // namespace memconn
