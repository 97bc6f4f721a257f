// --wait for async retains: follow each operation to a terminal status, with progress.
// A server can leave operations pending forever (killed mid-work, upstream issue #2985), so
// a timeout (0 = none) ends the wait and names what is still open.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "targets/hindsight/api.h"

namespace memconn {

struct OperationsSummary {
  size_t total = 0, completed = 0, failed = 0;
  std::vector<std::string> failures;  // "op <id> (<sources>): <status>: <error>"
  std::vector<std::string> pending;   // ids still not final when the wait timed out or was interrupted
  bool interrupted = false;           // SIGINT/SIGTERM ended the wait
};

OperationsSummary follow_operations(HttpClient& client, const HindsightEndpoint& ep, const std::vector<std::string>& ops,
                                    Diagnostics& console,
                                    const std::function<std::vector<std::string>(const std::string&)>& sources_of,
                                    std::chrono::milliseconds timeout = std::chrono::milliseconds{0});

}  // namespace memconn
