#include "targets/hindsight/operations.h"

#include <map>
#include <thread>

#include "base/signals.h"

namespace memconn {

OperationsSummary follow_operations(HttpClient& client, const HindsightEndpoint& ep, const std::vector<std::string>& ops,
                                    Diagnostics& console,
                                    const std::function<std::vector<std::string>(const std::string&)>& sources_of,
                                    std::chrono::milliseconds timeout) {
  OperationsSummary sum;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  sum.total = ops.size();
  std::map<std::string, OperationStatus> open;
  for (const auto& op : ops) open[op] = OperationStatus{};
  int transport_failures = 0;
  while (!open.empty() && !stop_signal_received()) {
    long processed = 0, total = 0;
    for (auto it = open.begin(); it != open.end();) {
      auto resp = client.perform({"GET", bank_url(ep, "/operations/" + it->first), "", {}});
      OperationStatus st;
      if (!resp.transport_ok || resp.status != 200 || !parse_operation_status(resp.body, st)) {
        if (++transport_failures > 20) {
          console.error("cannot follow operations: " + error_message(resp));
          sum.failed += open.size();
          for (const auto& [op, _] : open) sum.failures.push_back("op " + op + ": status unknown");
          return sum;
        }
        ++it;
        continue;
      }
      transport_failures = 0;
      if (is_terminal(st.status)) {
        // not_found: the server already forgot a finished operation (retention), not a failure.
        if (st.status == "completed" || st.status == "not_found") {
          ++sum.completed;
        } else {
          ++sum.failed;
          std::string srcs;
          for (const auto& s : sources_of(it->first)) srcs += (srcs.empty() ? "" : ", ") + s;
          sum.failures.push_back("operation " + it->first + " (" + srcs + ") " + st.status +
                                 (st.error.empty() ? "" : ": " + st.error));
          console.error(sum.failures.back());
        }
        it = open.erase(it);
        continue;
      }
      if (st.total > 0) {
        processed += st.processed;
        total += st.total;
      }
      ++it;
    }
    std::string line = "waiting for operations: " + std::to_string(sum.completed + sum.failed) + "/" +
                       std::to_string(sum.total) + " done";
    if (total > 0) line += ", items " + std::to_string(processed) + "/" + std::to_string(total);
    console.progress(line);
    if (!open.empty() && timeout.count() > 0 && std::chrono::steady_clock::now() >= deadline) break;
    // Short naps, so a Ctrl-C ends the wait at once.
    for (int i = 0; i < 10 && !open.empty() && !stop_signal_received(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  console.clear_progress();
  sum.interrupted = !open.empty() && stop_signal_received();
  for (const auto& [op, _] : open) {
    sum.pending.push_back(op);
    std::string srcs;
    for (const auto& s : sources_of(op)) srcs += (srcs.empty() ? "" : ", ") + s;
    console.error("operation " + op + (srcs.empty() ? "" : " (" + srcs + ")") + " still pending " +
                  (sum.interrupted ? "(the wait was interrupted)" : "after --wait-timeout"));
  }
  return sum;
}

}  // namespace memconn
