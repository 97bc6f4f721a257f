#include "hindsight.h"

#include "clock.h"
#include "hindsight_recall.h"
#include "http_reply.h"
#include "ids.h"
#include "text.h"

namespace standin::hindsight {
namespace {

const std::string kBank = "/v1/default/banks/([^/]+)";

// FastAPI-style validation of an integer query parameter.
bool int_param(const httplib::Request& req, const char* name, long long def, long long min, long long max,
               httplib::Response& res, long long& out) {
  out = def;
  if (!req.has_param(name)) return true;
  std::string v = req.get_param_value(name);
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  Violations errs;
  Loc loc{std::string("query"), std::string(name)};
  if (v.empty() || *end != '\0') errs.add(loc, "int_parsing", "Input should be a valid integer, unable to parse string as an integer");
  else if (n < min) errs.add(loc, "greater_than_equal", "Input should be greater than or equal to " + std::to_string(min));
  else if (n > max) errs.add(loc, "less_than_equal", "Input should be less than or equal to " + std::to_string(max));
  if (!errs.empty()) {
    reply_json(res, 422, errs.body());
    return false;
  }
  out = n;
  return true;
}

simdjson::dom::parser& thread_parser() {
  // One parser per server thread: it keeps its buffers, so the retain path does not allocate per request.
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace

bool HindsightBackend::authorize(const httplib::Request& req, httplib::Response& res, const Knobs& k) {
  if (k.api_key.empty()) return true;
  std::string given = req.get_header_value("Authorization");
  if (given.size() >= 7) {
    std::string scheme = given.substr(0, 7);
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme == "bearer ") given = given.substr(7);
  }
  if (given == k.api_key) return true;
  reply_detail(res, 401, "Invalid API key");
  return false;
}

void HindsightBackend::retain(const httplib::Request& req, httplib::Response& res, const Knobs& k) {
  store_.count_retain_request();
  RetainInput in;
  Violations errs;
  if (!parse_retain(thread_parser(), req.body, in, errs)) {
    reply_json(res, 422, errs.body());
    return;
  }
  if (!k.reject_marker.empty()) {
    for (size_t i = 0; i < in.items.size(); ++i)
      if (in.items[i].content.find(k.reject_marker) != std::string::npos)
        errs.add(Loc{std::string("body"), std::string("items"), static_cast<long long>(i), std::string("content")},
                 "value_error", "rejected by stand-in marker");
    if (!errs.empty()) {
      reply_json(res, 422, errs.body());
      return;
    }
  }
  RetainResult r = store_.retain(req.matches[1], std::move(in), k);
  reply_json(res, r.status, std::move(r.body));
}

void HindsightBackend::recall(const httplib::Request& req, httplib::Response& res) {
  auto started = std::chrono::steady_clock::now();
  RecallInput in;
  Violations errs;
  if (!parse_recall(thread_parser(), req.body, in, errs)) {
    reply_json(res, 422, errs.body());
    return;
  }
  if (in.query_timestamp && !parse_iso(*in.query_timestamp)) {
    reply_detail(res, 400, "Invalid query_timestamp format: '" + *in.query_timestamp + "'. Expected ISO 8601.");
    return;
  }
  size_t words = word_tokens(in.query).size();
  if (words > 500) {
    reply_detail(res, 400, "Query too long: " + std::to_string(words) + " tokens exceeds maximum of 500. Please shorten your query.");
    return;
  }
  // Recall has no bank existence check upstream: an unknown bank just has no memories.
  auto docs = store_.memories(req.matches[1], false);
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  reply_json(res, 200, recall_response(docs, in, elapsed));
}

void HindsightBackend::reflect(const httplib::Request& req, httplib::Response& res) {
  ReflectInput in;
  Violations errs;
  if (!parse_reflect(thread_parser(), req.body, in, errs)) {
    reply_json(res, 422, errs.body());
    return;
  }
  auto docs = store_.memories(req.matches[1], true);
  reply_json(res, 200, reflect_response(docs, in));
}

void HindsightBackend::operation(const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[2];
  if (!is_uuid(id)) {
    reply_detail(res, 400, "Invalid operation_id format: '" + id + "' is not a valid UUID");
    return;
  }
  if (auto body = store_.operation_status(req.matches[1], id)) {
    reply_json(res, 200, std::move(*body));
    return;
  }
  JsonOut j;
  j.begin_object().field("operation_id", id).field("status", "not_found").field("operation_type", nullptr);
  j.field("created_at", nullptr).field("updated_at", nullptr).field("completed_at", nullptr);
  j.field("error_message", nullptr).end_object();
  reply_json(res, 200, j.take());
}

void HindsightBackend::put_bank(const httplib::Request& req, httplib::Response& res) {
  Violations errs;
  simdjson::dom::object obj;
  std::optional<std::string> name, mission;
  if (parse_body(thread_parser(), req.body, errs, obj)) {
    Loc root{std::string("body")};
    reject_unknown(obj, root,
                   {"name", "mission", "background", "disposition", "disposition_skepticism", "disposition_literalism",
                    "disposition_empathy", "reflect_mission", "retain_mission", "retain_extraction_mode",
                    "retain_custom_instructions", "retain_chunk_size", "retain_structured_chunk_size",
                    "enable_observations", "observations_mission", "enable_temporal_retrieval",
                    "enable_graph_retrieval", "enable_reranking"},
                   errs);
    simdjson::dom::element v;
    std::string s;
    if (!obj.at_key("name").get(v) && !v.is_null() && read_string(v, root / std::string("name"), errs, s)) name = s;
    if (!obj.at_key("mission").get(v) && !v.is_null() && read_string(v, root / std::string("mission"), errs, s)) mission = s;
  }
  if (!errs.empty()) {
    reply_json(res, 422, errs.body());
    return;
  }
  std::string bank = req.matches[1];
  store_.put_bank(bank, name, mission);
  reply_json(res, 200, store_.bank_profile(bank));
}

void HindsightBackend::register_routes(ApiServer& api) {
  auto healthy = [](const httplib::Request&, httplib::Response& res, const Knobs&) {
    reply_json(res, 200, R"({"status":"healthy","database":"connected"})");
  };
  api.route("GET", "/health", healthy, true);
  api.route("GET", "/health/ready", healthy, true);
  api.route("GET", "/health/live", [this](const httplib::Request&, httplib::Response& res, const Knobs&) {
    double up = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    JsonOut j;
    j.begin_object().field("status", "alive").field("version", "0.9.1").field("uptime_seconds", up).end_object();
    reply_json(res, 200, j.take());
  }, true);
  api.route("GET", "/version", [](const httplib::Request&, httplib::Response& res, const Knobs& k) {
    reply_json(res, 200,
               std::string(R"({"api_version":"0.9.1","features":{"observations":false,"mcp":true,"worker":)") +
               (k.worker_off ? "false," : "true,") +
               R"("bank_config_api":false,"bank_llm_health":true,"file_upload_api":false,"document_export_api":true,)"
               R"("document_import_api":true,"audit_log":false,"llm_trace":false,"store_document_text":true}})");
  }, true);

  api.route("GET", "/v1/default/banks", [this](const httplib::Request& req, httplib::Response& res, const Knobs&) {
    long long limit, offset;
    if (!int_param(req, "limit", 100, 1, 1000, res, limit) || !int_param(req, "offset", 0, 0, 1LL << 40, res, offset)) return;
    reply_json(res, 200, store_.list_banks(req.get_param_value("q"), limit, offset));
  });
  auto put = [this](const httplib::Request& req, httplib::Response& res, const Knobs&) { put_bank(req, res); };
  api.route("PUT", kBank, put);
  api.route("PATCH", kBank, put);
  api.route("GET", kBank + "/profile", [this](const httplib::Request& req, httplib::Response& res, const Knobs&) {
    std::string bank = req.matches[1];
    if (!store_.bank_exists(bank)) return reply_detail(res, 404, "Bank '" + bank + "' not found");
    reply_json(res, 200, store_.bank_profile(bank));
  });
  api.route("GET", kBank + "/stats", [this](const httplib::Request& req, httplib::Response& res, const Knobs&) {
    std::string bank = req.matches[1];
    if (!store_.bank_exists(bank)) return reply_detail(res, 404, "Bank '" + bank + "' not found");
    reply_json(res, 200, store_.bank_stats(bank));
  });
  api.write_route(kBank + "/memories",
                  [this](const httplib::Request& req, httplib::Response& res, const Knobs& k) { retain(req, res, k); });
  api.route("POST", kBank + "/memories/recall",
            [this](const httplib::Request& req, httplib::Response& res, const Knobs&) { recall(req, res); });
  api.route("POST", kBank + "/reflect",
            [this](const httplib::Request& req, httplib::Response& res, const Knobs&) { reflect(req, res); });
  api.route("GET", kBank + "/operations", [this](const httplib::Request& req, httplib::Response& res, const Knobs&) {
    long long limit, offset;
    if (!int_param(req, "limit", 20, 1, 100, res, limit) || !int_param(req, "offset", 0, 0, 1LL << 40, res, offset)) return;
    bool exclude_parents = req.get_param_value("exclude_parents") == "true";
    reply_json(res, 200,
               store_.list_operations(req.matches[1], req.get_param_value("status"), req.get_param_value("type"), limit,
                                      offset, exclude_parents));
  });
  api.route("GET", kBank + "/operations/([^/]+)",
            [this](const httplib::Request& req, httplib::Response& res, const Knobs&) { operation(req, res); });
  api.route("GET", kBank + "/documents", [this](const httplib::Request& req, httplib::Response& res, const Knobs&) {
    long long limit, offset;
    if (!int_param(req, "limit", 100, 1, 1000, res, limit) || !int_param(req, "offset", 0, 0, 1LL << 40, res, offset)) return;
    reply_json(res, 200, store_.list_documents(req.matches[1], req.get_param_value("q"), limit, offset));
  });
  register_repair_routes(api);
  api.route("GET", kBank + "/documents/([^/]+)", [this](const httplib::Request& req, httplib::Response& res, const Knobs&) {
    auto d = store_.document(req.matches[1], req.matches[2]);
    if (!d) return reply_detail(res, 404, "Document not found");
    JsonOut j;
    j.begin_object().field("id", d->id).field("bank_id", d->bank_id).field("original_text", d->content);
    j.field("content_hash", d->content_hash).field("created_at", iso_utc(d->created_at));
    j.field("updated_at", iso_utc(d->updated_at)).field("memory_unit_count", d->empty ? 0 : 1);
    j.key("nodes_by_fact_type").begin_object().field("world", 1).end_object();
    j.key("tags").begin_array();
    for (const auto& t : d->tags) j.value(t);
    j.end_array();
    j.key("document_metadata").begin_object();
    for (const auto& [k, v] : d->metadata) j.field(k, v);
    j.end_object();
    j.key("retain_params").begin_object();
    if (d->context) j.field("context", *d->context);
    if (d->timestamp) j.field("timestamp", *d->timestamp);
    j.end_object();
    j.key("observation_scopes");
    if (d->observation_scopes) j.raw(*d->observation_scopes);
    else j.value(nullptr);
    j.end_object();
    reply_json(res, 200, j.take());
  });
  api.route("DELETE", kBank + "/documents/([^/]+)", [this](const httplib::Request& req, httplib::Response& res, const Knobs&) {
    std::string id = req.matches[2];
    if (!store_.delete_document(req.matches[1], id)) return reply_detail(res, 404, "Document not found");
    JsonOut j;
    j.begin_object().field("success", true).field("message", "Document '" + id + "' and 1 associated memory units deleted successfully");
    j.field("document_id", id).field("memory_units_deleted", 1).end_object();
    reply_json(res, 200, j.take());
  });
}

}  // namespace standin::hindsight
