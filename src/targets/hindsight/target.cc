#include "targets/hindsight/target.h"

#include <simdjson.h>

#include <random>
#include <thread>

#include "base/exit_codes.h"
#include "targets/hindsight/api.h"
#include "targets/hindsight/inventory.h"
#include "targets/hindsight/memory_item.h"
#include "targets/hindsight/operations.h"
#include "targets/hindsight/probe.h"
#include "targets/hindsight/query.h"

namespace memconn {

namespace {

class HindsightTarget final : public Target {
 public:
  HindsightTarget(TargetSpec spec, TargetEnv env) : Target(std::move(spec), std::move(env)) {}

  std::string label() const override { return url_without_credentials(spec_.url) + "#" + spec_.bank; }
  std::string describe() const override { return "bank " + spec_.bank + " at " + url_without_credentials(spec_.url); }

  HttpOptions http_options() const override {
    HttpOptions h = env_.http;
    auto auth = hindsight_auth_headers(spec_.api_key);
    h.headers.insert(h.headers.end(), auth.begin(), auth.end());
    h.ca_file = spec_.ca_file;
    return h;
  }

  std::string document_key(const std::string& document_id) const override { return document_id; }

  void encode(Item& item) const override {
    item.json.clear();
    append_memory_item(item.json, item);
  }

  bool decode(std::string_view json, Item& out) const override {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string_view content, id;
    if (parser.parse(json.data(), json.size()).get(doc) || doc["content"].get_string().get(content)) return false;
    out.content = content;
    if (!doc["document_id"].get_string().get(id)) out.document_id = id;
    out.json = json;
    return true;
  }

  std::optional<Sha256> identity_key(const std::string& text) const override { return hindsight_content_hash(text); }

  bool supports_async() const override { return true; }

  std::unique_ptr<BatchSender> make_sender(bool async, const std::atomic<bool>* abort) override {
    return std::make_unique<HindsightSender>(endpoint(), async, http_options(), env_.share, abort);
  }

  std::string dry_run_body(const std::vector<const Item*>& items, bool async) const override {
    return retain_body(items, async, async ? uuid_v4() : "");
  }

  Status prepare() override { return ok_status(); }

  // A retain under an existing document_id replaces that document (upsert): an edit is one
  // more retain, synchronous, with the pipeline's retry policy.
  UpdateOutcome update(const Item& item, const std::function<void()>&) override {
    HindsightSender sender(endpoint(), false, http_options(), env_.share, nullptr);
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
      if (attempt >= env_.retries || env_.stopping()) {
        bool outage = is_outage(r.http.transport_ok, r.http.status);
        return {outage ? UpdateOutcome::Kind::Unreachable : UpdateOutcome::Kind::Failed,
                "target " + url_without_credentials(spec_.url) + ": " + (r.message.empty() ? r.http.error : r.message)};
      }
      auto ra = parse_retry_after(r.http.retry_after, std::chrono::system_clock::now());
      std::this_thread::sleep_for(backoff.delay(attempt, ra, rng));
    }
  }

  TargetWait wait(const std::vector<std::string>& ids,
                  const std::function<std::vector<std::string>(const std::string&)>& sources_of,
                  std::chrono::milliseconds timeout) override {
    HttpClient client(http_options(), env_.share);
    auto sum = follow_operations(client, endpoint(), ids, *env_.console, sources_of, timeout);
    TargetWait w;
    w.total = sum.total;
    w.completed = sum.completed;
    w.failed = sum.failed;
    w.failures = std::move(sum.failures);
    w.pending = std::move(sum.pending);
    w.interrupted = sum.interrupted;
    w.complete = w.pending.empty() && !w.interrupted;
    return w;
  }

  bool leaves_background_work(bool async) const override { return async; }

  Status list_documents(int page_size, const std::function<void(const ListedDocument&)>& on_document) override {
    HttpClient client(listing_options(), env_.share);
    return memconn::list_documents(client, endpoint(), page_size, [&](const RemoteDocument& d) {
      ListedDocument l;
      l.id = d.id;
      l.identity = std::string(d.content_hash);
      l.state = d.memory_unit_count == 0 ? ListedDocument::State::Empty : ListedDocument::State::Present;
      on_document(l);
    });
  }

  bool tracks_documents() const override { return false; }

  Result<std::vector<TargetOperation>> open_operations() override {
    HttpClient client(listing_options(), env_.share);
    auto ops = list_open_operations(client, endpoint());
    if (!ops) return ops.error();
    std::vector<TargetOperation> out;
    for (auto& op : *ops) out.push_back({op.id, op.status, op.task_type, op.created_at, op.error, op.items});
    return out;
  }

  Status reprocess_document(const std::string& document_id) override {
    HttpClient client(http_options(), env_.share);
    return memconn::reprocess_document(client, endpoint(), document_id);
  }
  Status retry_operation(const std::string& operation_id) override {
    HttpClient client(http_options(), env_.share);
    return memconn::retry_operation(client, endpoint(), operation_id);
  }
  Status reprocess_failed() override {
    return Error{"Hindsight keeps no failed documents to reprocess (--reprocess-failed is for LightRAG targets)",
                 exit_code::kOk};
  }

  void doctor(Checkup& c) override;

  Result<PreparedQuery> prepare_query(const QueryRequest& q) const override {
    if (!q.mode.empty())
      return Error{"--mode is for LightRAG targets; " + (spec_.name.empty() ? describe() : spec_.name) + " is Hindsight" +
                       (spec_.name.empty() ? " (pass --connector NAME to ask a LightRAG target)" : ""),
                   exit_code::kUsage};
    bool recall = q.kind == QueryRequest::Kind::Recall;
    PreparedQuery p;
    p.request = HttpRequest{"POST", bank_url(endpoint(), recall ? "/memories/recall" : "/reflect"),
                            recall ? hindsight_recall_body(q) : hindsight_reflect_body(q), {}};
    p.render = recall ? render_hindsight_recall : render_hindsight_reflect;
    return p;
  }

 private:
  HindsightEndpoint endpoint() const { return {spec_.url, spec_.bank}; }
  HttpOptions listing_options() const {
    HttpOptions h = http_options();
    h.accept_compressed = true;  // document pages are large and compress well
    return h;
  }
};

void HindsightTarget::doctor(Checkup& c) {
  const CheckHints& hints = c.hints();
  c.add(c.inside() ? "" : "target", CheckLevel::Ok,
        "hindsight at " + url_without_credentials(spec_.url) + (spec_.bank.empty() ? "" : ", bank " + spec_.bank));
  auto parts = c.reach(spec_.url, spec_.ca_file, spec_.ca_file_origin);
  if (!parts) return;
  HttpOptions http = http_options();
  http.timeout = std::chrono::seconds(15);
  http.connect_timeout = std::chrono::seconds(10);
  HttpClient client(http, nullptr);
  auto health = hindsight_health(client, spec_.url);
  if (!health.transport_ok) return c.transport_failure(*parts, health, spec_.url);
  c.connected(*parts, health, spec_.url, spec_.ca_file, spec_.ca_file_origin);
  if (health.status == 200) c.add("health", CheckLevel::Ok, one_line(health.body, 100));
  else
    c.add("health", CheckLevel::Fail, "GET /health answered " + error_message(health),
          "the server reports itself unhealthy (database?)");
  c.clock(health);

  auto version = hindsight_version(client, spec_.url);
  if (!version) {
    c.add("version", CheckLevel::Warn, version.error().message,
          "an old or non-Hindsight server? memconn speaks API 0.9.1 and newer");
  } else {
    std::string on;
    for (const auto& [f, enabled] : version->features)
      if (enabled) on += (on.empty() ? "" : ",") + f;
    c.add("version", CheckLevel::Ok, "api " + version->api_version + "; features: " + (on.empty() ? "none" : on));
    auto worker = version->features.find("worker");
    if (worker != version->features.end() && !worker->second)
      c.add("async", CheckLevel::Warn, "the server's background worker is off: --async operations will never finish",
            "use plain (sync) ingest, or enable HINDSIGHT_API_WORKER_ENABLED on the server");
    else c.add("async", CheckLevel::Ok, "async retain with operation_id and update_mode supported");
  }

  HttpResponse raw;
  auto exists = hindsight_bank_exists(client, endpoint(), &raw);
  if (!exists) {
    if (raw.status == 401 || raw.status == 403)
      c.add("credentials", CheckLevel::Fail,
            "the server refused the key (HTTP " + std::to_string(raw.status) + ")" +
                (spec_.api_key.empty() ? ": none was given" : ""),
            hints.key);
    else c.add("credentials", CheckLevel::Fail, exists.error().message, "the bank list could not be read");
    return;
  }
  c.add("credentials", CheckLevel::Ok, spec_.api_key.empty() ? "no key set; the server accepts anonymous requests" : "key accepted");
  if (spec_.bank.empty()) c.add("bank", CheckLevel::Warn, "no bank configured", hints.bank);
  else if (*exists) c.add("bank", CheckLevel::Ok, spec_.bank + " exists");
  else c.add("bank", CheckLevel::Warn, spec_.bank + " does not exist yet", "the first ingest creates it; check the spelling");
}

}  // namespace

std::unique_ptr<Target> make_hindsight_target(TargetSpec spec, TargetEnv env) {
  return std::make_unique<HindsightTarget>(std::move(spec), std::move(env));
}

std::optional<TargetSpec> hindsight_spec_from_label(std::string_view label) {
  auto hash = label.find('#');
  if (hash == std::string_view::npos) return std::nullopt;
  TargetSpec s;
  s.kind = TargetKind::kHindsight;
  s.url = std::string(label.substr(0, hash));
  while (!s.url.empty() && s.url.back() == '/') s.url.pop_back();
  s.bank = std::string(label.substr(hash + 1));
  return s;
}

}  // namespace memconn
