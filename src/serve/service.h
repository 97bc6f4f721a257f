// memconn serve: the scheduler loop (connectors/scheduler.h) on a thread of its own, the API
// on the HTTP server's threads, and one config and one state file for both. API changes to
// connectors go to connectors.d/ and the whole config is read again before the scheduler sees
// it, so what runs is always what `memconn list` shows.
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "connectors/scheduler.h"
#include "serve/api_settings.h"
#include "serve/connector_store.h"
#include "serve/http_server.h"
#include "serve/metrics.h"

namespace memconn {

class Api;

struct ServiceOptions {
  ApiSettings api;
  ExecOptions exec;  // of every run: --wait
  // Reads the config and the context anew (API changes, SIGHUP); errors keep the old one.
  std::function<Result<std::shared_ptr<ConnectorContext>>()> load;
  std::function<Result<Tuning>(const Config&)> tuning;
  bool verbose = false;
  // SIGHUP: taken (and cleared) by the scheduler's loop, which then reloads.
  std::function<bool()> take_reload;
};

class Service {
 public:
  // Binds and starts answering; the scheduler starts in run().
  static Result<std::unique_ptr<Service>> start(std::shared_ptr<ConnectorContext> ctx, Tuning tuning, ServiceOptions o);
  ~Service();
  int port() const { return server_->port(); }
  // Until SIGTERM/SIGINT: then the run in progress drains (as in sync --watch), the server
  // stops, and run() returns 0; 3 if the state file became unusable.
  int run();

  // For the API's handlers (any thread).
  std::shared_ptr<ConnectorContext> context() const;
  Scheduler& scheduler() { return *scheduler_; }
  ServiceMetrics& metrics() { return metrics_; }
  const ApiSettings& settings() const { return opt_.api; }
  const ConnectorStore& store() const { return store_; }
  // One change to connectors.d at a time: write(ctx) changes the files, then the config is
  // read again and handed to the scheduler. If it does not load, undo() puts the files back
  // and the error is returned.
  Status change(const std::function<Status(const ConnectorContext&)>& write, const std::function<void()>& undo);
  // Reads the config again (SIGHUP); keeps the old one and says why when it does not load.
  void reload(const std::string& why);

 private:
  Service(std::shared_ptr<ConnectorContext> ctx, Tuning tuning, ServiceOptions o);
  Status install(std::shared_ptr<ConnectorContext> fresh);

  ServiceOptions opt_;
  ServiceMetrics metrics_;
  ConnectorStore store_;
  std::shared_ptr<SyncClock> clock_;  // one for the service's life (MEMCONN_FAKE_*)
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;  // last member: stopped (its threads joined) first

  mutable std::mutex ctx_mu_;  // guards ctx_
  std::shared_ptr<ConnectorContext> ctx_;
  std::mutex change_mu_;  // serializes change() and reload(): check, write and re-read as one step
};

}  // namespace memconn
