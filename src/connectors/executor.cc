#include "connectors/executor.h"

#include <random>
#include <thread>

#include "connectors/notify.h"
#include "base/exit_codes.h"
#include "targets/registry.h"
#include "net/request.h"
#include "base/signals.h"
#include "sources/transform.h"

namespace memconn {

namespace {

std::string status_text(const HttpResponse& r) {
  return r.transport_ok ? std::to_string(r.status) : "error (" + r.error + ")";
}

}  // namespace

HttpOptions connector_http_options(const Tuning& tuning, const std::string& ca_file) {
  HttpOptions http = http_options(tuning);
  http.ca_file = ca_file;
  return http;
}

std::unique_ptr<Source> open_connector_source(const SourceConfig& src, const std::string& api_key, HttpClient& client,
                                              int retries, Diagnostics& console) {
  return make_source(src, api_key, [&client, retries, &console](const HttpRequest& req) {
    auto resp = perform_with_retries(client, req, retries);
    console.debug("GET " + url_path_for_log(req.url) + " " + status_text(resp) + " " +
                  std::to_string(static_cast<int>(resp.seconds * 1000)) + "ms");
    return resp;
  });
}

ConnectorExecutor::ConnectorExecutor(ConnectorContext& ctx, Tuning tuning, bool verbose)
    : ctx_(ctx), tuning_(tuning), verbose_(verbose), dead_letters_(ctx.paths.dead_letter) {}

ConnectorRunReport ConnectorExecutor::run(const ConnectorConfig& conn, ConnectorState& state, const ExecOptions& opt,
                                          const std::function<Status()>& persist) {
  Diagnostics& console = *ctx_.console;
  const SourceConfig& src = ctx_.cfg.sources.at(conn.source);
  const TargetConfig& tgt = ctx_.cfg.targets.at(conn.target);

  // Setup that can fail before anything is sent: reported through the same run record.
  auto setup_failure = [&](const Error& e) {
    ConnectorRunReport r;
    r.connector = conn.name;
    r.command = opt.command;
    r.result = "failed";
    r.exit_code = e.exit_code;
    r.error = e.message;
    r.started = r.finished = format_iso8601(std::chrono::floor<std::chrono::seconds>(ctx_.clock->now()));
    console.error(e.message);
    RunRecord rec;
    rec.command = opt.command;
    rec.started = r.started;
    rec.finished = r.finished;
    rec.result = r.result;
    rec.error = r.error;
    add_run(state.runs, rec);
    state.last_run_started = r.started;  // counts for the schedule: no retry loop until it is fixed
    if (auto st = persist(); !st) console.error("cannot save state: " + st.error().message);
    return r;
  };
  auto source_key = resolve_section_key(ctx_.cfg, "sources." + src.name, src.line, src.api_key, src.api_key_file);
  if (!source_key) return setup_failure(source_key.error());
  std::optional<TextTemplate> tmpl;
  if (conn.transform == TransformKind::kTemplate) {
    auto t = parse_connector_template(conn.template_text);
    if (!t)
      return setup_failure(Error{ctx_.cfg.path + ":" + std::to_string(conn.line) + ": connectors." + conn.name +
                                     ".template: " + t.error().message,
                                 exit_code::kConfig});
    tmpl = std::move(*t);
  }

  // Source: one keep-alive connection, the shared retry policy, -v logging.
  HttpOptions src_http = connector_http_options(tuning_, src.ca_file);
  src_http.timeout = src.timeout.value_or(tuning_.timeout);
  src_http.accept_compressed = true;  // one large JSON answer: worth compressing
  HttpClient src_client(src_http, &share_);
  auto source = open_connector_source(src, *source_key, src_client, tuning_.retries, console);

  // Target: everything kind-specific is behind targets/target.h.
  auto spec = configured_target_spec(ctx_.cfg, tgt);
  if (!spec) return setup_failure(spec.error());
  TargetEnv env = target_env(tuning_, &share_, console);
  auto target = make_target(std::move(*spec), env);
  ConnectorRunDeps deps;
  deps.source = source.get();
  deps.clock = ctx_.clock.get();
  deps.console = &console;
  deps.dead_letters = &dead_letters_;
  deps.persist = persist;
  deps.stop_signal = [] { return stop_signal_received(); };
  ConnectorRunOptions ro;
  ro.full = opt.full;
  ro.only = opt.only;
  ro.wait = opt.wait;
  ro.command = opt.command;
  ro.batch_size = static_cast<size_t>(tuning_.batch_size);
  ro.max_batch_bytes = static_cast<size_t>(tuning_.max_batch_bytes);
  ro.pipeline = pipeline_options(tuning_);
  if (opt.outage_cap) ro.pipeline.max_outage = std::min(*opt.outage_cap, tuning_.max_outage);
  ro.pipeline.target = url_without_credentials(tgt.url);
  ro.target_label = target->label();
  if (verbose_) ro.pipeline.log_request = [&](const std::string& line) { console.debug(line); };
  deps.make_sender = [&](const std::atomic<bool>* abort) { return target->make_sender(false, abort); };
  deps.prepare_target = [&] { return target->prepare(); };
  deps.update_document = [&](const Item& item, const std::function<void()>& before_delete) {
    return target->update(item, before_delete);
  };
  if (target->leaves_background_work(false)) {
    deps.wait_for_target = [&](const std::vector<std::string>& ids) {
      auto w = target->wait(ids, {}, std::chrono::milliseconds{0});
      console.info("connector " + conn.name + ": " + target->describe() + " finished " + std::to_string(w.completed) +
                   " of " + std::to_string(w.total) + " documents" +
                   (w.failed ? ", " + std::to_string(w.failed) + " failed" : ""));
      return w;
    };
  } else if (opt.wait) {
    console.info("connector " + conn.name + ": " + target->describe() + " answers when the work is done; nothing to wait for");
  }
  if (opt.reprocess_failed) {
    if (auto st = target->reprocess_failed(); st)
      console.info("connector " + conn.name + ": asked " + target->describe() + " to reprocess its failed documents");
    else if (st.error().exit_code == exit_code::kOk)
      console.info("connector " + conn.name + ": --reprocess-failed: " + st.error().message);
    else
      console.warn("connector " + conn.name + ": " + st.error().message);
  }
  std::string previous = state.runs.empty() ? "" : state.runs.back().result;
  auto rep = run_connector(conn, src, *target, tmpl ? &*tmpl : nullptr, state, ro, deps);
  if (!conn.notify_url.empty()) notify(conn, previous, rep);
  return rep;
}

// After the run, on the calling thread, with a short timeout and few retries: an alert
// endpoint that is down costs seconds, never the run's result.
void ConnectorExecutor::notify(const ConnectorConfig& conn, const std::string& previous, const ConnectorRunReport& rep) {
  auto event = alert_event(previous, rep.result);
  if (!event) return;
  HttpOptions http;
  http.timeout = std::chrono::seconds(5);
  http.connect_timeout = std::chrono::seconds(2);
  http.user_agent = user_agent();
  HttpClient client(http, &share_);
  HttpRequest req{"POST", conn.notify_url, alert_body(*event, previous, rep), {"Content-Type: application/json"}};
  auto resp = perform_with_retries(client, req, 2);
  if (!resp.transport_ok || resp.status / 100 != 2)
    ctx_.console->warn("connector " + conn.name + ": the alert (" + *event + ") to " + url_without_credentials(conn.notify_url) +
                       " failed: " + (resp.transport_ok ? "HTTP " + std::to_string(resp.status) : resp.error));
  else
    ctx_.console->debug("connector " + conn.name + ": alert \"" + *event + "\" sent");
}

}  // namespace memconn
