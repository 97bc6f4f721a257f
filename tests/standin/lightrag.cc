#include "lightrag.h"

#include <algorithm>
#include <set>

#include "http_reply.h"
#include "lightrag_query.h"
#include "text.h"
#include "validation.h"

namespace standin::lightrag {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// The stand-in has no accounts, so /auth-status hands out this guest token, and a guest
// token is accepted on every route (step 2 of LightRAG's auth order).
constexpr const char* kGuestToken = "standin-guest-token";

simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

bool new_api(const Knobs& k) { return k.lightrag_version == "new"; }

// 1.5.x keeps only Path(file_source).name.
std::string basename_of(const std::string& s) {
  auto slash = s.find_last_of('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

bool valid_file_source(const std::optional<std::string>& f) {
  return f && !f->empty() && *f != "no-file-path" && *f != "unknown_source";
}

void health(const httplib::Request&, httplib::Response& res, const Knobs& k) {
  bool is_new = new_api(k);
  JsonOut j;
  j.begin_object().field("status", "healthy").field("webui_available", false);
  j.field("working_directory", "./rag_storage").field("input_directory", "./inputs");
  j.key("configuration").begin_object().field("llm_binding", "standin").field("llm_model", "none");
  j.field("embedding_binding", "standin").field("embedding_model", "none").field("workspace", "");
  j.field("max_parallel_insert", 2).field("max_async", 4).end_object();
  j.field("auth_mode", "disabled").field("pipeline_busy", false);
  j.key("keyed_locks").begin_object().end_object();
  j.field("core_version", is_new ? "1.5.0" : "1.4.9.9").field("api_version", is_new ? "0270" : "0260");
  j.field("webui_title", "memconn-standin").field("webui_description", "LightRAG stand-in (no LLM)").end_object();
  reply_json(res, 200, j.take());
}

void auth_status(const httplib::Request&, httplib::Response& res, const Knobs& k) {
  JsonOut j;
  j.begin_object().field("auth_configured", false).field("access_token", kGuestToken).field("token_type", "bearer");
  j.field("auth_mode", "disabled").field("message", "Authentication is disabled. Using guest access.");
  j.field("core_version", new_api(k) ? "1.5.0" : "1.4.9.9").field("api_version", new_api(k) ? "0270" : "0260");
  j.field("webui_title", "memconn-standin").field("webui_description", "LightRAG stand-in (no LLM)").end_object();
  reply_json(res, 200, j.take());
}

// 422 listing every text that contains the reject marker.
bool rejected(const std::vector<TextIn>& texts, const Loc& loc, bool indexed, const Knobs& k, httplib::Response& res) {
  if (k.reject_marker.empty()) return false;
  Violations errs;
  for (size_t i = 0; i < texts.size(); ++i)
    if (texts[i].text.find(k.reject_marker) != std::string::npos)
      errs.add(indexed ? loc / static_cast<long long>(i) : loc, "value_error", "rejected by stand-in marker");
  if (errs.empty()) return false;
  reply_json(res, 422, errs.body());
  return true;
}

void file_path_500(httplib::Response& res) {
  // What 0260 answers once a document was stored without a file_path (DocStatusResponse.file_path: str).
  reply_detail(res, 500,
               "1 validation error for DocStatusResponse\nfile_path\n  Input should be a valid string "
               "[type=string_type, input_value=None, input_type=NoneType]");
}

}  // namespace

bool LightragBackend::authorize(const httplib::Request& req, httplib::Response& res, const Knobs& k) {
  std::string auth = req.get_header_value("Authorization");
  if (auth.size() > 7 && (auth.compare(0, 7, "Bearer ") == 0 || auth.compare(0, 7, "bearer ") == 0)) {
    if (auth.substr(7) == kGuestToken) return true;
    reply_detail(res, 401, "Invalid token. Please login again.");
    return false;
  }
  if (k.api_key.empty()) return true;
  if (!req.has_header("X-API-Key")) {
    reply_detail(res, 403, "API Key required");
    return false;
  }
  if (req.get_header_value("X-API-Key") != k.api_key) {
    reply_detail(res, 403, "Invalid API Key");
    return false;
  }
  return true;
}

void LightragBackend::insert_text(const httplib::Request& req, httplib::Response& res, const Knobs& k) {
  store_.count_insert_request();
  Violations errs;
  object obj;
  Loc root{std::string("body")};
  TextIn in;
  if (parse_body(thread_parser(), req.body, errs, obj)) {
    element v;
    if (obj.at_key("text").get(v)) {
      errs.add(root / std::string("text"), "missing", "Field required");
    } else if (read_string(v, root / std::string("text"), errs, in.text)) {
      if (in.text.empty()) errs.add(root / std::string("text"), "string_too_short", "String should have at least 1 character", v);
      else if (new_api(k) && is_blank(in.text))
        errs.add(root / std::string("text"), "value_error", "Value error, text cannot be empty or whitespace", v);
    }
    if (!obj.at_key("file_source").get(v) && !(new_api(k) && v.is_null())) {
      std::string f;
      if (read_string(v, root / std::string("file_source"), errs, f)) in.file_source = strip(f);
    }
  }
  if (!errs.empty()) return reply_json(res, 422, errs.body());
  if (new_api(k)) {
    if (in.file_source) in.file_source = basename_of(*in.file_source);
    if (!valid_file_source(in.file_source)) return reply_detail(res, 400, "A valid file_source is required for text insertion");
  }
  std::vector<TextIn> texts{std::move(in)};
  if (rejected(texts, root / std::string("text"), false, k, res)) return;
  InsertResult r = store_.insert(std::move(texts), "Text successfully received. Processing will continue in background.", false, k);
  reply_json(res, r.status, std::move(r.body));
}

void LightragBackend::insert_texts(const httplib::Request& req, httplib::Response& res, const Knobs& k) {
  store_.count_insert_request();
  Violations errs;
  object obj;
  Loc root{std::string("body")};
  std::vector<std::string> texts;
  std::optional<std::vector<std::string>> sources;
  if (parse_body(thread_parser(), req.body, errs, obj)) {
    element v;
    if (obj.at_key("texts").get(v)) {
      errs.add(root / std::string("texts"), "missing", "Field required");
    } else if (read_string_list(v, root / std::string("texts"), errs, texts) && texts.empty()) {
      errs.add(root / std::string("texts"), "too_short", "List should have at least 1 item after validation, not 0", v);
    }
    if (!obj.at_key("file_sources").get(v) && !v.is_null()) {
      std::vector<std::string> f;
      if (read_string_list(v, root / std::string("file_sources"), errs, f)) sources = std::move(f);
    }
  }
  if (!errs.empty()) return reply_json(res, 422, errs.body());
  if (k.max_texts > 0 && texts.size() > static_cast<size_t>(k.max_texts))
    return reply_detail(res, 413, "Too many texts in one request: " + std::to_string(texts.size()) +
                                      " exceeds MAX_TEXTS_PER_REQUEST=" + std::to_string(k.max_texts));
  std::vector<TextIn> in;
  for (size_t i = 0; i < texts.size(); ++i) {
    TextIn t;
    t.text = strip(texts[i]);
    t.file_source = sources && i < sources->size() ? strip((*sources)[i]) : std::string("unknown_source");
    if (new_api(k)) t.file_source = basename_of(*t.file_source);
    in.push_back(std::move(t));
  }
  // More file_sources than texts fails in 0260's background task; the reply still says success.
  bool background_failure = sources && sources->size() > texts.size();
  if (rejected(in, root / std::string("texts"), true, k, res)) return;
  InsertResult r = store_.insert(std::move(in), "Texts successfully received. Processing will continue in background.",
                                 background_failure, k);
  reply_json(res, r.status, std::move(r.body));
}

void LightragBackend::query(const httplib::Request& req, httplib::Response& res, bool data_only) {
  QueryInput in;
  Violations errs;
  if (!parse_query(thread_parser(), req.body, in, errs)) {
    if (!data_only) return reply_json(res, 422, errs.body());
    JsonOut j;
    j.begin_object().field("status", "failure").field("message", "Validation error: " + errs.first_summary());
    j.key("data").begin_object().end_object().key("metadata").begin_object().end_object().end_object();
    return reply_json(res, 400, j.take());
  }
  auto docs = store_.processed();
  reply_json(res, 200, data_only ? query_data_response(docs, in) : query_response(docs, in));
}

void LightragBackend::register_routes(ApiServer& api) {
  api.route("GET", "/health", health, true);
  api.route("GET", "/auth-status", auth_status, true);
  api.write_route("/documents/text",
                  [this](const httplib::Request& req, httplib::Response& res, const Knobs& k) { insert_text(req, res, k); });
  api.write_route("/documents/texts",
                  [this](const httplib::Request& req, httplib::Response& res, const Knobs& k) { insert_texts(req, res, k); });
  api.route("GET", "/documents/track_status/([^/]*)", [this](const httplib::Request& req, httplib::Response& res, const Knobs& k) {
    std::string id = strip(req.matches[1].str());
    if (id.empty()) return reply_detail(res, 400, "Track ID cannot be empty");
    auto body = store_.track_status(id, k);
    if (!body) return file_path_500(res);
    reply_json(res, 200, std::move(*body));
  });
  api.route("GET", "/documents/pipeline_status", [this](const httplib::Request&, httplib::Response& res, const Knobs&) {
    reply_json(res, 200, store_.pipeline_status());
  });
  api.route("GET", "/documents/status_counts", [this](const httplib::Request&, httplib::Response& res, const Knobs&) {
    reply_json(res, 200, store_.status_counts());
  });
  api.route("POST", "/documents/paginated", [this](const httplib::Request& req, httplib::Response& res, const Knobs& k) {
    Violations errs;
    object obj;
    Loc root{std::string("body")};
    std::string status, sort_field = "updated_at", direction = "desc";
    long long page = 1, page_size = 50;
    if (parse_body(thread_parser(), req.body, errs, obj)) {
      element v;
      if (!obj.at_key("status_filter").get(v) && !v.is_null())
        read_enum(v, root / std::string("status_filter"), errs, {"pending", "processing", "preprocessed", "processed", "failed"}, status);
      if (!obj.at_key("page").get(v) && read_int(v, root / std::string("page"), errs, page) && page < 1)
        errs.add(root / std::string("page"), "greater_than_equal", "Input should be greater than or equal to 1", v);
      if (!obj.at_key("page_size").get(v) && read_int(v, root / std::string("page_size"), errs, page_size) &&
          (page_size < 10 || page_size > 200))
        errs.add(root / std::string("page_size"), page_size < 10 ? "greater_than_equal" : "less_than_equal",
                 page_size < 10 ? "Input should be greater than or equal to 10" : "Input should be less than or equal to 200", v);
      if (!obj.at_key("sort_field").get(v))
        read_enum(v, root / std::string("sort_field"), errs, {"created_at", "updated_at", "id", "file_path"}, sort_field);
      if (!obj.at_key("sort_direction").get(v)) read_enum(v, root / std::string("sort_direction"), errs, {"asc", "desc"}, direction);
    }
    if (!errs.empty()) return reply_json(res, 422, errs.body());
    auto body = store_.paginated(status, page, page_size, sort_field, direction == "asc", k);
    if (!body) return file_path_500(res);
    reply_json(res, 200, std::move(*body));
  });
  api.route("DELETE", "/documents/delete_document", [this](const httplib::Request& req, httplib::Response& res, const Knobs&) {
    Violations errs;
    object obj;
    Loc root{std::string("body")};
    std::vector<std::string> ids;
    if (parse_body(thread_parser(), req.body, errs, obj)) {
      element v;
      if (obj.at_key("doc_ids").get(v)) errs.add(root / std::string("doc_ids"), "missing", "Field required");
      else if (read_string_list(v, root / std::string("doc_ids"), errs, ids)) {
        std::set<std::string> unique(ids.begin(), ids.end());
        bool blank = std::any_of(ids.begin(), ids.end(), [](const std::string& s) { return is_blank(s); });
        if (ids.empty() || unique.size() != ids.size() || blank)
          errs.add(root / std::string("doc_ids"), "value_error", "Value error, doc_ids must be non-empty, unique and not blank", v);
      }
      bool flag;
      for (const char* key : {"delete_file", "delete_llm_cache"})
        if (!obj.at_key(key).get(v)) read_bool(v, root / std::string(key), errs, flag);
    }
    if (!errs.empty()) return reply_json(res, 422, errs.body());
    JsonOut j;
    if (store_.busy()) {
      j.begin_object().field("status", "busy").field("message", "Cannot delete documents while pipeline is busy");
      j.field("doc_id", join(ids, ", ")).end_object();
      return reply_json(res, 200, j.take());
    }
    // The real server deletes in a background task; unknown ids are only logged there.
    store_.remove(ids);
    j.begin_object().field("status", "deletion_started");
    j.field("message", "Document deletion for " + std::to_string(ids.size()) +
                           " documents has been initiated. Processing will continue in background.");
    j.field("doc_id", join(ids, ", ")).end_object();
    reply_json(res, 200, j.take());
  });
  api.route("POST", "/documents/reprocess_failed", [this](const httplib::Request&, httplib::Response& res, const Knobs& k) {
    store_.reprocess_failed(k);
    JsonOut j;
    j.begin_object().field("status", "reprocessing_started");
    j.field("message", "Reprocessing of failed documents has been initiated in background.").field("track_id", "");
    reply_json(res, 200, j.end_object().take());
  });
  api.route("POST", "/query", [this](const httplib::Request& req, httplib::Response& res, const Knobs&) { query(req, res, false); });
  api.route("POST", "/query/data", [this](const httplib::Request& req, httplib::Response& res, const Knobs&) { query(req, res, true); });
}

}  // namespace standin::lightrag
