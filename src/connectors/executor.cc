#include "connectors/executor.h"

#include <random>
#include <thread>

#include "connectors/notify.h"
#include "base/exit_codes.h"
#include "targets/hindsight.h"
#include "targets/lightrag.h"
#include "targets/lightrag_replace.h"
#include "targets/lightrag_wait.h"
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
  HttpOptions http;
  http.timeout = tuning.timeout;
  http.connect_timeout = tuning.connect_timeout;
  http.max_response_bytes = tuning.max_response_bytes;
  http.user_agent = user_agent();
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
    : ctx_(ctx), tuning_(tuning), verbose_(verbose), dead_letters_(ctx.dead_letter_path) {}

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
  auto target_key = resolve_section_key(ctx_.cfg, "targets." + tgt.name, tgt.line, tgt.api_key, tgt.api_key_file);
  if (!target_key) return setup_failure(target_key.error());
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

  // Target.
  HttpOptions tgt_http = connector_http_options(tuning_, tgt.ca_file);
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
  if (verbose_) ro.pipeline.log_request = [&](const std::string& line) { console.debug(line); };

  std::unique_ptr<HttpClient> probe;  // health and --wait requests, on the calling thread
  if (tgt.kind == TargetKind::kHindsight) {
    tgt_http.headers = hindsight_auth_headers(*target_key);
    HindsightEndpoint ep{tgt.url, tgt.bank};
    ro.target_label = tgt.url + "#" + tgt.bank;
    deps.make_sender = [this, ep, tgt_http](const std::atomic<bool>* abort) {
      return std::make_unique<HindsightSender>(ep, false, tgt_http, &share_, abort);
    };
    if (opt.wait) console.info("connector " + conn.name + ": Hindsight retains are synchronous; nothing to wait for");
    // A retain under an existing document_id replaces that document (upsert): an edit is
    // one more retain, synchronous, with the pipeline's retry policy.
    deps.update_document = [this, ep, tgt_http](const Item& item, const std::function<void()>&) -> UpdateOutcome {
      HindsightSender sender(ep, false, tgt_http, &share_, nullptr);
      std::mt19937_64 rng(std::random_device{}());
      BackoffPolicy backoff;
      for (int attempt = 0;; ++attempt) {
        auto r = sender.send({&item}, "");
        switch (r.outcome) {
          case Outcome::Success: return {UpdateOutcome::Kind::Updated, ""};
          case Outcome::AuthError: return {UpdateOutcome::Kind::AuthRefused, "target: " + r.message};
          case Outcome::ItemError: return {UpdateOutcome::Kind::Failed, r.message};
          case Outcome::Retryable: break;
        }
        if (attempt >= tuning_.retries || stop_signal_received()) {
          bool outage = is_outage(r.http.transport_ok, r.http.status);
          return {outage ? UpdateOutcome::Kind::Unreachable : UpdateOutcome::Kind::Failed,
                  "target " + url_without_credentials(ep.base_url) + ": " + (r.message.empty() ? r.http.error : r.message)};
        }
        auto ra = parse_retry_after(r.http.retry_after, std::chrono::system_clock::now());
        std::this_thread::sleep_for(backoff.delay(attempt, ra, rng));
      }
    };
  } else {
    tgt_http.headers = lightrag_auth_headers(*target_key);
    ro.target_label = "lightrag:" + tgt.url;
    deps.make_sender = [this, url = tgt.url, tgt_http](const std::atomic<bool>* abort) {
      return std::make_unique<LightragSender>(url, tgt_http, &share_, abort);
    };
    HttpOptions probe_http = tgt_http;
    probe_http.accept_compressed = true;
    probe = std::make_unique<HttpClient>(probe_http, &share_);
    deps.prepare_target = [&]() -> Status {
      HttpRequest req{"GET", lightrag_url(tgt.url, "/health"), "", {}};
      auto resp = perform_with_retries(*probe, req, tuning_.retries);
      console.debug("GET /health " + status_text(resp));
      std::string where = "target " + tgt.name + " (" + tgt.url + ")";
      switch (classify(resp.transport_ok, resp.status)) {
        case Outcome::AuthError:
          return Error{where + ": HTTP " + std::to_string(resp.status) + ": " + error_message(resp) +
                           " (check the target's api_key)",
                       exit_code::kAuth};
        case Outcome::Retryable:
          if (is_outage(resp.transport_ok, resp.status))
            return Error{where + " is unreachable: " + error_message(resp), exit_code::kUnreachable};
          break;
        default: break;
      }
      LightragInfo info;
      if (resp.status == 200 && parse_lightrag_health(resp.body, info)) {
        console.debug(where + ": LightRAG API " + info.api_version + ", core " + info.core_version +
                      (info.newer ? " (1.5.x dialect: duplicates answer 409)" : " (0260 dialect: duplicates answer 200 \"duplicated\")"));
      } else {
        // Some deployments hide /health; inserts still tell us everything we need.
        console.debug(where + ": /health answered " + status_text(resp) + "; API version unknown");
      }
      return ok_status();
    };
    // LightRAG has no update: delete the stored copy, insert the new text (lightrag_replace.h).
    deps.update_document = [&](const Item& item, const std::function<void()>& before_delete) -> UpdateOutcome {
      ReplaceOptions ro_replace;
      ro_replace.retries = tuning_.retries;
      auto r = lightrag_replace(*probe, tgt.url, item, before_delete, [] { return stop_signal_received() != 0; }, ro_replace);
      using RK = ReplaceResult::Kind;
      using UK = UpdateOutcome::Kind;
      switch (r.kind) {
        case RK::Replaced:
          console.debug("connector " + conn.name + ": replaced " + item.document_id + (r.deleted ? " (old copy deleted)" : ""));
          return {UK::Updated, r.message};
        case RK::Busy: return {UK::Deferred, r.message};
        case RK::Failed: return {UK::Failed, r.message};
        case RK::AuthRefused: return {UK::AuthRefused, "target " + tgt.name + ": " + r.message};
        case RK::Unreachable: return {UK::Unreachable, "target " + tgt.name + " is unreachable: " + r.message};
      }
      return {UK::Failed, r.message};
    };
    deps.wait_for_target = [&](const std::vector<std::string>& tracks) {
      auto sum = follow_lightrag_tracks(*probe, tgt.url, tracks, console, [] { return stop_signal_received() != 0; });
      console.info("connector " + conn.name + ": LightRAG indexed " + std::to_string(sum.processed) + " of " +
                   std::to_string(sum.documents) + " documents" +
                   (sum.failed ? ", " + std::to_string(sum.failed) + " failed" : ""));
      return TargetWaitResult{sum.documents, sum.failed, sum.complete, std::move(sum.failed_docs)};
    };
  }
  if (opt.reprocess_failed) {
    if (tgt.kind != TargetKind::kLightrag) {
      console.info("connector " + conn.name + ": --reprocess-failed is for LightRAG targets; Hindsight has nothing to reprocess");
    } else {
      // LightRAG keeps what it failed to index under the same name (a re-send only answers
      // "duplicated ... (Status: failed)"); this asks it to index those documents again.
      HttpRequest req{"POST", lightrag_url(tgt.url, "/documents/reprocess_failed"), "", {"Content-Type: application/json"}};
      auto resp = perform_with_retries(*probe, req, tuning_.retries);
      console.debug("POST /documents/reprocess_failed " + status_text(resp));
      if (resp.transport_ok && resp.status / 100 == 2)
        console.info("connector " + conn.name + ": asked LightRAG to reprocess its failed documents");
      else
        console.warn("connector " + conn.name + ": LightRAG refused /documents/reprocess_failed: " +
                     (resp.transport_ok ? "HTTP " + std::to_string(resp.status) + ": " + error_message(resp) : resp.error));
    }
  }
  std::string previous = state.runs.empty() ? "" : state.runs.back().result;
  auto rep = run_connector(conn, src, tgt.kind, tmpl ? &*tmpl : nullptr, state, ro, deps);
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
