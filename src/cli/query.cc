#include "cli/query.h"

#include <simdjson.h>

#include <iostream>

#include "cli/console.h"
#include "state/atomic_file.h"
#include "cli/connector_query.h"
#include "base/exit_codes.h"
#include "targets/hindsight.h"
#include "base/json_writer.h"
#include "cli/query_request.h"

namespace memconn {

namespace {

void write_tags(JsonWriter& w, const std::vector<std::string>& tags, const std::string& match) {
  if (!tags.empty()) {
    w.key("tags").begin_array();
    for (const auto& t : tags) w.value(t);
    w.end_array();
  }
  if (!match.empty()) w.key("tags_match").value(match);
}

std::string str(simdjson::dom::element e, const char* key) {
  std::string_view sv;
  return e[key].get_string().get(sv) ? std::string() : std::string(sv);
}

// target: a connector's Hindsight target (recall/reflect --connector); nullptr = [hindsight].
int query(const GlobalOptions& g, const std::string& suffix, const std::string& body,
          const std::function<Result<std::string>(const std::string&)>& render, const std::optional<std::string>& timeout,
          std::optional<int64_t> max_response_bytes, const HindsightSettings* target = nullptr) {
  Console console = make_console(g);
  auto env = process_env();
  auto cfg = load_settings_config(g, env);
  if (!cfg) {
    console.error(cfg.error().message);
    return cfg.error().exit_code;
  }
  auto hs = target ? Result<HindsightSettings>(*target) : resolve_hindsight(g, *cfg, env, true);
  if (!hs) {
    console.error(hs.error().message);
    return hs.error().exit_code;
  }
  TuningFlags flags;
  flags.max_response_bytes = max_response_bytes;
  auto defaults = resolve_tuning(flags, cfg->defaults);
  if (!defaults) {
    console.error(defaults.error().message);
    return defaults.error().exit_code;
  }
  HttpOptions http;
  http.user_agent = user_agent();
  http.accept_compressed = true;
  http.headers = hindsight_auth_headers(hs->api_key);
  http.ca_file = hs->ca_file;
  http.timeout = defaults->timeout;
  http.connect_timeout = defaults->connect_timeout;
  http.max_response_bytes = defaults->max_response_bytes;
  if (auto st = apply_timeout_flag(timeout, http); !st) {
    console.error(st.error().message);
    return st.error().exit_code;
  }
  HttpClient client(http, nullptr);
  HindsightEndpoint ep{hs->url, hs->bank};
  HttpRequest req{"POST", bank_url(ep, suffix), body, {}};
  return ask_and_print(client, req, defaults->retries, g.json, console,
                       req.url.substr(0, req.url.find("/v1/")), render);
}

}  // namespace

std::string recall_request_body(const RecallOptions& o) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().key("query").value(o.query);
  if (!o.budget.empty()) w.key("budget").value(o.budget);
  if (o.max_tokens) w.key("max_tokens").value(*o.max_tokens);
  if (!o.types.empty()) {
    w.key("types").begin_array();
    for (const auto& t : o.types) w.value(t);
    w.end_array();
  }
  if (!o.query_timestamp.empty()) w.key("query_timestamp").value(o.query_timestamp);
  if (o.include_chunks) w.key("include").begin_object().key("chunks").begin_object().end_object().end_object();
  write_tags(w, o.tags, o.tags_match);
  w.end_object();
  return s;
}

Result<std::string> reflect_request_body(const ReflectOptions& o) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().key("query").value(o.query);
  if (!o.budget.empty()) w.key("budget").value(o.budget);
  if (o.max_tokens) w.key("max_tokens").value(*o.max_tokens);
  if (!o.context.empty()) w.key("context").value(o.context);
  if (o.include_facts) w.key("include").begin_object().key("facts").begin_object().end_object().end_object();
  if (!o.schema_file.empty()) {
    auto text = read_whole_file(o.schema_file);
    if (!text) return Error{"--schema: " + text.error().message, exit_code::kUsage};
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto err = parser.parse(*text).get(doc))
      return Error{"--schema: " + o.schema_file + ": invalid JSON: " + simdjson::error_message(err), exit_code::kUsage};
    if (!doc.is_object()) return Error{"--schema: " + o.schema_file + ": a JSON Schema must be an object", exit_code::kUsage};
    w.key("response_schema").raw(simdjson::minify(doc));
  }
  write_tags(w, o.tags, o.tags_match);
  w.end_object();
  return s;
}

Result<std::string> render_recall(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array results;
  if (parser.parse(body).get(doc) || doc["results"].get_array().get(results))
    return Error{"the server's recall answer is not the documented JSON (no \"results\" array)", exit_code::kUnreachable};
  std::string out;
  int n = 0;
  for (auto r : results) {
    ++n;
    std::string type = str(r, "type");
    std::string date = str(r, "occurred_start");
    if (date.empty()) date = str(r, "mentioned_at");
    out += std::to_string(n) + ". ";
    if (!type.empty()) out += "[" + type + "] ";
    if (!date.empty()) out += date.substr(0, 10) + "  ";
    out += str(r, "text") + "\n";
    std::string extra;
    simdjson::dom::array tags;
    if (!r["tags"].get_array().get(tags) && tags.size() > 0) {
      std::string t;
      for (auto tag : tags) {
        std::string_view sv;
        if (!tag.get_string().get(sv)) t += (t.empty() ? "" : ", ") + std::string(sv);
      }
      extra += "tags: " + t;
    }
    simdjson::dom::object meta;
    if (!r["metadata"].get_object().get(meta)) {
      std::string_view src, line;
      if (!meta["source"].get_string().get(src)) {
        extra += (extra.empty() ? "" : "  ") + std::string("source: ") + std::string(src);
        if (!meta["line"].get_string().get(line)) extra += ":" + std::string(line);
      }
    }
    if (!extra.empty()) out += "   " + extra + "\n";
  }
  if (n == 0) out = "no memories matched\n";
  return out;
}

Result<std::string> render_reflect(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view text;
  if (parser.parse(body).get(doc) || doc["text"].get_string().get(text))
    return Error{"the server's reflect answer is not the documented JSON (no \"text\")", exit_code::kUnreachable};
  std::string out(text);
  if (!out.ends_with("\n")) out += "\n";
  simdjson::dom::element structured;
  if (!doc["structured_output"].get(structured) && !structured.is_null())
    out += "\nStructured output:\n" + simdjson::minify(structured) + "\n";
  simdjson::dom::array memories;
  if (!doc["based_on"]["memories"].get_array().get(memories) && memories.size() > 0) {
    out += "\nSources:\n";
    int n = 0;
    for (auto m : memories) {
      std::string type = str(m, "type");
      out += "  " + std::to_string(++n) + ". " + (type.empty() ? "" : "[" + type + "] ") + str(m, "text") + "\n";
    }
  }
  return out;
}

// --connector: LightRAG targets have their own endpoints; Hindsight targets reuse query().
// nullopt: continue with query() (to t.hindsight when a connector was named); otherwise the
// exit code of an error or of the LightRAG query that run_lightrag performed.
template <typename Options, typename RunLightrag>
std::optional<int> via_connector(const GlobalOptions& g, const Options& o, QueryTarget& t, RunLightrag run_lightrag) {
  auto fail = [&](const Error& e) {
    Console console = make_console(g);
    console.error(e.message);
    return e.exit_code;
  };
  if (o.connector.empty()) {
    if (!o.mode.empty()) return fail(Error{"--mode is for LightRAG targets: pass --connector NAME", exit_code::kUsage});
    return std::nullopt;
  }
  auto r = load_query_target(g, o.connector);
  if (!r) return fail(r.error());
  t = std::move(*r);
  if (o.max_response_bytes) t.max_response_bytes = *o.max_response_bytes;
  if (t.kind == TargetKind::kHindsight) {
    if (!o.mode.empty()) return fail(Error{"--mode is for LightRAG targets; " + t.target + " is Hindsight", exit_code::kUsage});
    return std::nullopt;
  }
  if (auto flags = hindsight_only_flags(o); !flags.empty())
    return fail(Error{flags + ": not supported by LightRAG targets (" + t.target + ")", exit_code::kUsage});
  return run_lightrag(g, t, o);
}

int run_recall(const GlobalOptions& g, const RecallOptions& o) {
  QueryTarget t;
  if (auto r = via_connector(g, o, t, run_lightrag_recall)) return *r;
  return query(g, "/memories/recall", recall_request_body(o), render_recall, o.timeout, o.max_response_bytes,
               o.connector.empty() ? nullptr : &t.hindsight);
}

int run_reflect(const GlobalOptions& g, const ReflectOptions& o) {
  auto body = reflect_request_body(o);
  if (!body) {
    Console console = make_console(g);
    console.error(body.error().message);
    return body.error().exit_code;
  }
  QueryTarget t;
  if (auto r = via_connector(g, o, t, run_lightrag_reflect)) return *r;
  return query(g, "/reflect", *body, render_reflect, o.timeout, o.max_response_bytes,
               o.connector.empty() ? nullptr : &t.hindsight);
}

}  // namespace memconn
