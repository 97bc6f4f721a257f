// GET /metrics: Prometheus text, live. Counters of what this process did (runs by result,
// items by outcome, seconds spent running, API requests by status) are kept here as runs end
// and requests are answered; what the state file knows (last success, dead letters, totals
// since the connector existed) and the scheduler's view (running, paused, queued) are read
// at scrape time; process metrics come from /proc/self.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "connectors/connector_views.h"
#include "connectors/scheduler.h"

namespace memconn {

class ServiceMetrics : public SchedulerObserver {
 public:
  ServiceMetrics();
  void run_started(const std::string& connector, const std::string& command) override;
  void run_finished(const ConnectorRunReport& report) override;
  void request_answered(int status);

  // views: every configured connector (their state read from the state file just now).
  std::string render(const std::vector<ConnectorView>& views, const Scheduler::View& scheduler) const;

 private:
  struct PerConnector {
    std::map<std::string, uint64_t> runs;   // by result
    std::map<std::string, uint64_t> items;  // by outcome: sent, already_present, failed, updated, skipped_empty
    double seconds = 0, last_seconds = 0;
  };
  mutable std::mutex mu_;  // guards connectors_ and requests_
  std::map<std::string, PerConnector> connectors_;
  std::map<int, uint64_t> requests_;  // by HTTP status
  double started_unix_;
};

}  // namespace memconn
