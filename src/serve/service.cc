#include "serve/service.h"

#include "base/exit_codes.h"
#include "base/signals.h"
#include "serve/api.h"

namespace memconn {

Service::Service(std::shared_ptr<ConnectorContext> ctx, Tuning tuning, ServiceOptions o)
    : opt_(std::move(o)), store_(ctx->cfg.connectors_dir()), clock_(ctx->clock), ctx_(ctx) {
  scheduler_ = std::make_unique<Scheduler>(SchedulePlan{ctx, tuning, {}, opt_.verbose}, opt_.exec, &metrics_);
  api_ = std::make_unique<Api>(this);
}

Result<std::unique_ptr<Service>> Service::start(std::shared_ptr<ConnectorContext> ctx, Tuning tuning, ServiceOptions o) {
  std::unique_ptr<Service> s(new Service(std::move(ctx), tuning, std::move(o)));
  ServerLimits limits;
  limits.max_body = s->opt_.api.max_body;
  limits.max_connections = s->opt_.api.max_connections;
  limits.max_per_address = std::max(8, s->opt_.api.max_connections / 2);
  limits.idle_timeout = s->opt_.api.idle_timeout;
  Api* api = s->api_.get();
  auto server = HttpServer::start(s->opt_.api.listen, limits, [api](const ApiRequest& r) { return api->handle(r); });
  if (!server) return server.error();
  s->server_ = std::move(*server);
  return s;
}

Service::~Service() {
  if (server_) server_->stop();  // no handler may run while the rest is torn down
}

std::shared_ptr<ConnectorContext> Service::context() const {
  std::lock_guard lock(ctx_mu_);
  return ctx_;
}

Status Service::install(std::shared_ptr<ConnectorContext> fresh) {
  auto tuning = opt_.tuning(fresh->cfg);
  if (!tuning) return tuning.error();
  fresh->clock = clock_;
  scheduler_->replace(SchedulePlan{fresh, *tuning, {}, opt_.verbose});
  std::lock_guard lock(ctx_mu_);
  ctx_ = std::move(fresh);
  return ok_status();
}

Status Service::change(const std::function<Status(const ConnectorContext&)>& write, const std::function<void()>& undo) {
  std::lock_guard lock(change_mu_);
  auto ctx = context();
  if (auto st = write(*ctx); !st) return st;
  auto fresh = opt_.load();
  Status st = fresh ? install(std::move(*fresh)) : Status(fresh.error());
  if (!st) undo();
  return st;
}

void Service::reload(const std::string& why) {
  std::lock_guard lock(change_mu_);
  auto ctx = context();
  auto fresh = opt_.load();
  Status st = fresh ? install(std::move(*fresh)) : Status(fresh.error());
  if (!st) ctx->console->error(why + ": " + st.error().message + "; keeping the previous config");
  else ctx->console->info(why + ": config reloaded from " + ctx->cfg.path);
}

int Service::run() {
  auto stop = [] { return stop_signal_received() != 0; };
  // The loop runs on this thread; the API answers on the server's threads meanwhile, so
  // health and status stay live while a run goes on.
  Status result = scheduler_->run(stop, [this] {
    if (!opt_.take_reload || !opt_.take_reload()) return false;
    reload("SIGHUP");
    return true;
  });
  scheduler_->stopping();
  auto ctx = context();
  server_->stop();
  if (!result) {
    ctx->console->error(result.error().message);
    return result.error().exit_code;
  }
  ctx->console->info("serve: stopped");
  return exit_code::kOk;
}

}  // namespace memconn
