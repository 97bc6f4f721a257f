// The real wiring of a connector run: HTTP source, HTTP target (Hindsight or LightRAG),
// LightRAG's /health probe and --wait, dead letters. run_connector() holds the logic; this
// file only supplies its side effects.
#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <memory>
#include <string>

#include "connectors/run.h"
#include "connectors/context.h"
#include "state/dead_letter.h"
#include "net/http_client.h"
#include "config/settings.h"

namespace memconn {

struct ExecOptions {
  bool full = false;
  bool wait = false;
  bool reprocess_failed = false;  // LightRAG: POST /documents/reprocess_failed before the run
  // Caps --max-outage for this run (sync --watch: waiting out one target's outage must not
  // delay the other connectors past their due time).
  std::optional<std::chrono::milliseconds> outage_cap;
  std::string command = "sync";
  std::function<RepairAction(const std::string&)> only;  // verify --repair (ConnectorRunOptions::only)
};

// HTTP options for talking to a connector's source or target: the tuning's timeouts and
// limits, memconn's user agent, the section's CA file.
HttpOptions connector_http_options(const Tuning& tuning, const std::string& ca_file);
// The connector's source over `client`, each request with the tuning's retries, logged at -v.
std::unique_ptr<Source> open_connector_source(const SourceConfig& src, const std::string& api_key, HttpClient& client,
                                              int retries, Diagnostics& console);

class ConnectorExecutor {
 public:
  ConnectorExecutor(ConnectorContext& ctx, Tuning tuning, bool verbose);
  // Runs one connector against `state` (an entry of the caller's State); persist saves the
  // whole State. Setup problems (unreadable key file, bad template) end the run as failed
  // with exit code 3 and are recorded in its history like any other failure.
  ConnectorRunReport run(const ConnectorConfig& conn, ConnectorState& state, const ExecOptions& opt,
                         const std::function<Status()>& persist);
  // Dead letters written by any run of this executor.
  size_t dead_letters_written() const { return dead_letters_.written(); }

 private:
  // POSTs an alert to conn.notify_url when the result turned bad or recovered.
  void notify(const ConnectorConfig& conn, const std::string& previous, const ConnectorRunReport& rep);
  ConnectorContext& ctx_;
  Tuning tuning_;
  bool verbose_;
  CurlShare share_;
  DeadLetterWriter dead_letters_;
};

}  // namespace memconn
