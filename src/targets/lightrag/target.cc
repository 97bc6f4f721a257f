#include "targets/lightrag/target.h"

#include <simdjson.h>

#include "base/exit_codes.h"
#include "base/json_writer.h"
#include "net/request.h"
#include "targets/lightrag/api.h"
#include "targets/lightrag/inventory.h"
#include "targets/lightrag/query.h"
#include "targets/lightrag/replace.h"
#include "targets/lightrag/wait.h"

namespace memconn {

namespace {

constexpr std::string_view kLabelPrefix = "lightrag:";

std::string status_text(const HttpResponse& r) {
  return r.transport_ok ? std::to_string(r.status) : "error (" + r.error + ")";
}

// recall/reflect flags LightRAG has no use for, as "--budget, --tags" (empty: none).
std::string unsupported_flags(const QueryRequest& q) {
  std::string out;
  auto flag = [&](bool set, const char* name) {
    if (set) out += (out.empty() ? "" : ", ") + std::string(name);
  };
  flag(!q.budget.empty(), "--budget");
  flag(q.max_tokens.has_value(), "--max-tokens");
  flag(!q.types.empty(), "--types");
  flag(!q.context.empty(), "--context");
  flag(!q.tags.empty(), "--tags");
  flag(!q.tags_match.empty(), "--tags-match");
  flag(!q.query_timestamp.empty(), "--query-timestamp");
  flag(q.include_chunks, "--include-chunks");
  flag(!q.response_schema.empty(), "--schema");
  return out;
}

class LightragTarget final : public Target {
 public:
  LightragTarget(TargetSpec spec, TargetEnv env) : Target(std::move(spec), std::move(env)) {}

  std::string label() const override { return std::string(kLabelPrefix) + url_without_credentials(spec_.url); }
  std::string describe() const override { return "LightRAG at " + url_without_credentials(spec_.url); }

  HttpOptions http_options() const override {
    HttpOptions h = env_.http;
    auto auth = lightrag_auth_headers(spec_.api_key);
    h.headers.insert(h.headers.end(), auth.begin(), auth.end());
    h.ca_file = spec_.ca_file;
    return h;
  }

  std::string document_key(const std::string& document_id) const override { return lightrag_file_source(document_id); }

  // {"text","file_source"}: what a dead letter must keep to be re-sent (the sender builds the
  // request from content and document_id). LightRAG keeps text only: the fields it cannot
  // carry are dropped, so nothing downstream takes them for sent.
  void encode(Item& item) const override {
    item.context.clear();
    item.timestamp.clear();
    item.tags.clear();
    item.metadata.clear();
    item.json.clear();
    JsonWriter w(item.json);
    w.begin_object().key("text").value(item.content).key("file_source").value(item.document_id).end_object();
  }

  bool decode(std::string_view json, Item& out) const override {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string_view text, source;
    if (parser.parse(json.data(), json.size()).get(doc) || doc["text"].get_string().get(text) ||
        doc["file_source"].get_string().get(source))
      return false;
    out.content = text;
    out.document_id = source;
    out.json = json;
    return true;
  }

  std::optional<Sha256> identity_key(const std::string& text) const override {
    auto len = lightrag_expected_length(text);
    if (!len) return std::nullopt;
    return length_key(*len);
  }

  bool supports_async() const override { return false; }

  std::unique_ptr<BatchSender> make_sender(bool, const std::atomic<bool>* abort) override {
    return std::make_unique<LightragSender>(spec_.url, http_options(), env_.share, abort);
  }

  std::string dry_run_body(const std::vector<const Item*>& items, bool) const override {
    return lightrag_texts_body(items);
  }

  Status prepare() override {
    HttpClient& c = probe();
    auto resp = perform_with_retries(c, {"GET", lightrag_url(spec_.url, "/health"), "", {}}, env_.retries);
    env_.console->debug("GET /health " + status_text(resp));
    std::string where = "target " + (spec_.name.empty() ? describe() : spec_.name + " (" + url_without_credentials(spec_.url) + ")");
    switch (classify(resp.transport_ok, resp.status)) {
      case Outcome::AuthError:
        return Error{where + ": HTTP " + std::to_string(resp.status) + ": " + error_message(resp) + " (check the target's api_key)",
                     exit_code::kAuth};
      case Outcome::Retryable:
        if (is_outage(resp.transport_ok, resp.status))
          return Error{where + " is unreachable: " + error_message(resp), exit_code::kUnreachable};
        break;
      default: break;
    }
    LightragInfo info;
    if (resp.status == 200 && parse_lightrag_health(resp.body, info)) {
      env_.console->debug(where + ": LightRAG API " + info.api_version + ", core " + info.core_version +
                          (info.newer ? " (1.5.x dialect: duplicates answer 409)"
                                      : " (0260 dialect: duplicates answer 200 \"duplicated\")"));
    } else {
      // Some deployments hide /health; inserts still tell us everything we need.
      env_.console->debug(where + ": /health answered " + status_text(resp) + "; API version unknown");
    }
    return ok_status();
  }

  // LightRAG has no update: delete the stored copy, insert the new text (replace.h).
  UpdateOutcome update(const Item& item, const std::function<void()>& before_delete) override {
    ReplaceOptions ro;
    ro.retries = env_.retries;
    auto r = lightrag_replace(probe(), spec_.url, item, before_delete, env_.stopping, ro);
    using RK = ReplaceResult::Kind;
    using UK = UpdateOutcome::Kind;
    switch (r.kind) {
      case RK::Replaced:
        env_.console->debug("replaced " + item.document_id + (r.deleted ? " (old copy deleted)" : ""));
        return {UK::Updated, r.message};
      case RK::Busy: return {UK::Deferred, r.message};
      case RK::Failed: return {UK::Failed, r.message};
      case RK::AuthRefused: return {UK::AuthRefused, "target " + spec_.name + ": " + r.message};
      case RK::Unreachable: return {UK::Unreachable, "target " + spec_.name + " is unreachable: " + r.message};
    }
    return {UK::Failed, r.message};
  }

  // Follows the inserts' track ids until every document is processed or failed; there is
  // no timeout of its own (a signal ends it).
  TargetWait wait(const std::vector<std::string>& ids, const std::function<std::vector<std::string>(const std::string&)>&,
                  std::chrono::milliseconds) override {
    auto sum = follow_lightrag_tracks(probe(), spec_.url, ids, *env_.console, env_.stopping);
    TargetWait w;
    w.total = sum.documents;
    w.completed = sum.processed;
    w.failed = sum.failed;
    w.failures = std::move(sum.failures);
    w.failed_docs = std::move(sum.failed_docs);
    w.complete = sum.complete;
    w.interrupted = !sum.complete && env_.stopping();
    return w;
  }

  bool leaves_background_work(bool) const override { return true; }

  Status list_documents(int page_size, const std::function<void(const ListedDocument&)>& on_document) override {
    HttpOptions h = http_options();
    h.accept_compressed = true;  // document pages are large and compress well
    HttpClient client(h, env_.share);
    return list_lightrag_documents(client, spec_.url, page_size, [&](const LightragDocument& d) {
      ListedDocument l;
      l.id = d.file_path;
      l.server_id = d.id;
      l.status = d.status;
      l.created_at = d.created_at;
      l.track_id = d.track_id;
      l.error = d.error;
      if (d.status == "processed") {
        l.state = ListedDocument::State::Present;
        // Only a finished document has its final content_length worth comparing.
        if (d.content_length >= 0) {
          auto k = length_key(static_cast<size_t>(d.content_length));
          l.identity = to_hex(k.data(), k.size());
        }
      } else {
        l.state = d.status == "failed" ? ListedDocument::State::Failed : ListedDocument::State::Open;
      }
      on_document(l);
    });
  }

  bool tracks_documents() const override { return true; }
  Result<std::vector<TargetOperation>> open_operations() override { return std::vector<TargetOperation>{}; }

  Status reprocess_document(const std::string&) override {
    return Error{"LightRAG reprocesses failed documents all at once (reprocess_failed)", exit_code::kOk};
  }
  Status retry_operation(const std::string&) override {
    return Error{"LightRAG has no operations to retry", exit_code::kOk};
  }
  // LightRAG keeps what it failed to index under the same name (a re-send only answers
  // "duplicated ... (Status: failed)"); this asks it to index those documents again.
  Status reprocess_failed() override { return lightrag_reprocess_failed(probe(), spec_.url); }

  void doctor(Checkup& c) override;

  Result<PreparedQuery> prepare_query(const QueryRequest& q) const override {
    std::string name = spec_.name.empty() ? describe() : spec_.name;
    if (auto flags = unsupported_flags(q); !flags.empty())
      return Error{flags + ": not supported by LightRAG targets (" + name + ")", exit_code::kUsage};
    // LightRAG's QueryRequest has min_length=3 (after stripping): say so instead of relaying a 422.
    size_t b = q.query.find_first_not_of(" \t\r\n"), e = q.query.find_last_not_of(" \t\r\n");
    size_t chars = 0;
    if (b != std::string::npos)
      for (size_t i = b; i <= e; ++i) chars += (static_cast<unsigned char>(q.query[i]) & 0xC0) != 0x80;
    if (chars < 3)
      return Error{"the query must be at least 3 characters long (LightRAG's minimum); got \"" + q.query + "\"",
                   exit_code::kUsage};
    std::string mode = !q.mode.empty() ? q.mode : !spec_.query_mode.empty() ? spec_.query_mode : "mix";
    bool recall = q.kind == QueryRequest::Kind::Recall;
    PreparedQuery p;
    p.request = HttpRequest{"POST", lightrag_url(spec_.url, recall ? "/query/data" : "/query"),
                            lightrag_query_body(q.query, mode), {}};
    p.check_answer = true;
    p.timeout = std::chrono::minutes(5);  // an LLM answer is slow; 0260 allows 300 s itself
    if (recall) {
      p.render = [mode](const std::string& body) -> Result<std::string> {
        auto out = render_lightrag_data(body);
        // bypass skips retrieval altogether: "no match" would be a lie about the memories.
        if (out && mode == "bypass" && *out == "no memories matched\n")
          return std::string("nothing retrieved: bypass mode sends the query straight to the LLM without searching "
                             "the memories; use another --mode (e.g. mix) to list them\n");
        return out;
      };
    } else {
      p.render = render_lightrag_answer;
    }
    return p;
  }

 private:
  static Sha256 length_key(size_t n) { return sha256("content_length:" + std::to_string(n)); }
  // Health, replace, --wait and reprocess requests: one connection, on the calling thread.
  HttpClient& probe() {
    if (!probe_) {
      HttpOptions h = http_options();
      h.accept_compressed = true;
      probe_ = std::make_unique<HttpClient>(h, env_.share);
    }
    return *probe_;
  }
  std::unique_ptr<HttpClient> probe_;
};

void LightragTarget::doctor(Checkup& c) {
  c.add(c.inside() ? "" : "target", CheckLevel::Ok,
        (spec_.name.empty() ? std::string() : spec_.name + ": ") + "lightrag at " + url_without_credentials(spec_.url));
  auto parts = c.reach(spec_.url, spec_.ca_file, spec_.ca_file_origin);
  if (!parts) return;
  HttpOptions http = http_options();
  http.timeout = std::chrono::seconds(15);
  http.connect_timeout = std::chrono::seconds(10);
  HttpClient client(http, nullptr);
  auto health = client.perform({"GET", lightrag_url(spec_.url, "/health"), "", {}});
  if (!health.transport_ok) return c.transport_failure(*parts, health, spec_.url);
  c.connected(*parts, health, spec_.url, spec_.ca_file, spec_.ca_file_origin);
  LightragInfo info;
  if (health.status == 200 && parse_lightrag_health(health.body, info)) {
    c.add("health", CheckLevel::Ok,
          "LightRAG API " + info.api_version + ", core " + info.core_version +
              (info.newer ? " (1.5.x: duplicates answer 409)" : " (0260: duplicates answer 200 duplicated)"));
  } else if (health.status == 200) {
    c.add("health", CheckLevel::Warn, "GET /health answered without api_version/core_version: " + one_line(health.body, 80),
          "a proxy in front of LightRAG, or not LightRAG at all?");
  } else {
    c.add("health", CheckLevel::Fail,
          "GET /health answered HTTP " + std::to_string(health.status) + ": " + error_message(health),
          "is " + url_without_credentials(spec_.url) + " a LightRAG server?");
  }
  c.clock(health);
  // /health is open by default (WHITELIST_PATHS): the key is tested on a protected route.
  auto resp = client.perform({"GET", lightrag_url(spec_.url, "/documents/pipeline_status"), "", {}});
  if (!resp.transport_ok) return c.transport_failure(*parts, resp, spec_.url);
  if (resp.status == 401 || resp.status == 403)
    c.add("credentials", CheckLevel::Fail,
          "LightRAG refused the key (HTTP " + std::to_string(resp.status) + ": " + error_message(resp) + ")" +
              (spec_.api_key.empty() ? "; none was given" : ""),
          c.hints().key);
  else if (resp.status / 100 != 2)
    c.add("credentials", CheckLevel::Fail,
          "GET /documents/pipeline_status answered HTTP " + std::to_string(resp.status) + ": " + error_message(resp),
          "is " + url_without_credentials(spec_.url) + " a LightRAG server?");
  else
    c.add("credentials", CheckLevel::Ok, spec_.api_key.empty() ? "no key set; the server accepts anonymous requests" : "key accepted");
}

}  // namespace

std::unique_ptr<Target> make_lightrag_target(TargetSpec spec, TargetEnv env) {
  return std::make_unique<LightragTarget>(std::move(spec), std::move(env));
}

std::optional<TargetSpec> lightrag_spec_from_label(std::string_view label) {
  if (!label.starts_with(kLabelPrefix)) return std::nullopt;
  TargetSpec s;
  s.kind = TargetKind::kLightrag;
  s.url = std::string(label.substr(kLabelPrefix.size()));
  return s;
}

}  // namespace memconn
