#include "serve/metrics.h"

#include <unistd.h>

#include <chrono>
#include <dirent.h>
#include <fstream>
#include <sstream>

#include "base/iso_time.h"
#include "state/metrics_file.h"

namespace memconn {

namespace {

double unix_seconds(const std::string& iso) {
  auto t = parse_iso8601(iso);
  return t ? std::chrono::duration<double>(t->time_since_epoch()).count() : 0;
}

// utime + stime and resident pages, as /proc/self/stat has them (fields 14, 15 and 24).
void process_metrics(MetricsWriter& m, double started_unix) {
  std::ifstream f("/proc/self/stat");
  std::string line;
  std::getline(f, line);
  auto close = line.rfind(')');
  if (close != std::string::npos) {
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    std::vector<std::string> v;
    while (rest >> field) v.push_back(field);
    // v[0] is field 3 (state); field N is v[N - 3].
    if (v.size() > 21) {
      double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
      m.counter("process_cpu_seconds_total", "User and system CPU time spent, in seconds.", {},
                (std::stod(v[11]) + std::stod(v[12])) / ticks);
      m.gauge("process_resident_memory_bytes", "Resident memory size in bytes.", {},
              std::stod(v[21]) * static_cast<double>(::sysconf(_SC_PAGESIZE)));
    }
  }
  size_t fds = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (auto* e = ::readdir(d)) fds += e->d_name[0] != '.';
    ::closedir(d);
  }
  m.gauge("process_open_fds", "Number of open file descriptors.", {}, static_cast<double>(fds));
  m.gauge("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.", {}, started_unix);
}

}  // namespace

ServiceMetrics::ServiceMetrics()
    : started_unix_(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()) {}

void ServiceMetrics::run_started(const std::string& connector, const std::string&) {
  std::lock_guard lock(mu_);
  connectors_[connector];  // known from its first run on, with zero counts
}

void ServiceMetrics::run_finished(const ConnectorRunReport& r) {
  std::lock_guard lock(mu_);
  auto& c = connectors_[r.connector];
  ++c.runs[r.result];
  c.items["sent"] += r.sent;
  c.items["already_present"] += r.already_present;
  c.items["failed"] += r.failed;
  c.items["updated"] += r.updated;
  c.items["skipped_empty"] += r.skipped_empty;
  c.seconds += r.elapsed_s;
  c.last_seconds = r.elapsed_s;
}

void ServiceMetrics::request_answered(int status) {
  std::lock_guard lock(mu_);
  ++requests_[status];
}

std::string ServiceMetrics::render(const std::vector<ConnectorView>& views, const Scheduler::View& sched) const {
  MetricsWriter m;
  m.gauge("memconn_up", "1 while memconn serve is answering.", {}, 1);
  m.gauge("memconn_build_info", "The memconn version serving.", {{"version", MEMCONN_VERSION}}, 1);
  m.gauge("memconn_scheduler_queued_runs", "Triggered runs waiting for the scheduler.", {},
          static_cast<double>(sched.queued.size()));
  std::lock_guard lock(mu_);
  for (const auto& v : views) {
    const std::string& name = v.connector->name;
    MetricLabels l{{"connector", name}};
    auto it = connectors_.find(name);
    static const PerConnector kNone;
    const PerConnector& c = it == connectors_.end() ? kNone : it->second;
    for (const char* result : {"ok", "partial", "failed", "auth", "unreachable", "interrupted"}) {
      auto r = c.runs.find(result);
      m.counter("memconn_connector_runs_total", "Connector runs this process finished, by result.",
                {{"connector", name}, {"result", result}}, r == c.runs.end() ? 0 : static_cast<double>(r->second));
    }
    for (const char* outcome : {"sent", "already_present", "failed", "updated", "skipped_empty"}) {
      auto r = c.items.find(outcome);
      m.counter("memconn_connector_items_total", "Items this process's runs handled, by outcome.",
                {{"connector", name}, {"outcome", outcome}}, r == c.items.end() ? 0 : static_cast<double>(r->second));
    }
    m.counter("memconn_connector_run_seconds_total", "Seconds this process spent running the connector.", l, c.seconds);
    m.gauge("memconn_connector_last_run_duration_seconds", "Duration of the connector's last run in this process.", l,
            c.last_seconds);
    const ConnectorState* st = v.state;
    m.gauge("memconn_connector_last_success_timestamp_seconds",
            "Start of the connector's last successful run (Unix time; 0 = never).", l,
            st ? unix_seconds(st->last_success) : 0);
    m.gauge("memconn_connector_last_run_timestamp_seconds", "Start of the connector's last finished run (Unix time; 0 = never).", l,
            st ? unix_seconds(st->last_run_started) : 0);
    m.counter("memconn_connector_sent_total", "Items sent since the connector's state began (state file).", l,
              st ? static_cast<double>(st->total_sent) : 0);
    m.counter("memconn_connector_failed_total", "Items failed since the connector's state began (state file).", l,
              st ? static_cast<double>(st->total_failed) : 0);
    m.gauge("memconn_connector_dead_letters", "Dead-letter entries of the connector.", l, static_cast<double>(v.dead_letters));
    m.gauge("memconn_connector_running", "1 while a run of the connector is in progress.", l,
            sched.running == name || v.running ? 1 : 0);
    m.gauge("memconn_connector_paused", "1 when the connector is paused.", l, v.connector->paused ? 1 : 0);
    m.gauge("memconn_connector_enabled", "1 when the connector is enabled in its config.", l, v.connector->enabled ? 1 : 0);
  }
  for (const auto& [status, n] : requests_)
    m.counter("memconn_api_requests_total", "API requests answered, by HTTP status.", {{"code", std::to_string(status)}},
              static_cast<double>(n));
  process_metrics(m, started_unix_);
  return m.text();
}

}  // namespace memconn
