#include "cli/connector_query.h"

#include <simdjson.h>

#include <iostream>

#include "cli/console.h"
#include "connectors/context.h"
#include "base/exit_codes.h"
#include "targets/hindsight.h"
#include "net/http_client.h"
#include "base/json_writer.h"
#include "targets/lightrag.h"
#include "cli/query_request.h"

namespace memconn {

namespace {

std::string str(simdjson::dom::element e, const char* key) {
  std::string_view sv;
  return e[key].get_string().get(sv) ? std::string() : std::string(sv);
}

std::string shorten(const std::string& s, size_t max) {
  std::string out = s;
  for (auto& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (out.size() <= max) return out;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return out.substr(0, cut) + "...";
}

void list(std::string& out, const std::vector<std::pair<bool, const char*>>& flags) {
  for (const auto& [set, name] : flags)
    if (set) out += (out.empty() ? "" : ", ") + std::string(name);
}

int ask(const GlobalOptions& g, const QueryTarget& t, const std::string& path, const std::string& body,
        const std::function<Result<std::string>(const std::string&)>& render, const std::string& query,
        const std::optional<std::string>& timeout) {
  Console console = make_console(g);
  // LightRAG's QueryRequest has min_length=3 (after stripping): say so instead of relaying a 422.
  size_t b = query.find_first_not_of(" \t\r\n"), e = query.find_last_not_of(" \t\r\n");
  size_t chars = 0;
  if (b != std::string::npos)
    for (size_t i = b; i <= e; ++i) chars += (static_cast<unsigned char>(query[i]) & 0xC0) != 0x80;
  if (chars < 3) {
    console.error("the query must be at least 3 characters long (LightRAG's minimum); got \"" + query + "\"");
    return exit_code::kUsage;
  }
  HttpOptions http;
  http.user_agent = user_agent();
  http.accept_compressed = true;
  http.headers = lightrag_auth_headers(t.api_key);
  http.ca_file = t.ca_file;
  http.timeout = std::chrono::minutes(5);  // an LLM answer is slow; 0260 allows 300 s itself
  http.max_response_bytes = t.max_response_bytes;
  if (auto st = apply_timeout_flag(timeout, http); !st) {
    console.error(st.error().message);
    return st.error().exit_code;
  }
  HttpClient client(http, nullptr);
  HttpRequest req{"POST", lightrag_url(t.url, path), body, {}};
  return ask_and_print(client, req, 3, g.json, console, "target " + t.target + " (" + t.url + ")", render, true);
}

}  // namespace

Result<QueryTarget> load_query_target(const GlobalOptions& g, const std::string& connector) {
  auto env = process_env();
  auto cfg = load_settings_config(g, env);
  if (!cfg) return cfg.error();
  auto c = find_connector(*cfg, connector);
  if (!c) return c.error();
  const TargetConfig& tgt = cfg->targets.at((*c)->target);
  auto key = resolve_section_key(*cfg, "targets." + tgt.name, tgt.line, tgt.api_key, tgt.api_key_file);
  if (!key) return key.error();
  QueryTarget t;
  if (cfg->defaults.max_response_bytes) t.max_response_bytes = *cfg->defaults.max_response_bytes;
  t.connector = connector;
  t.target = tgt.name;
  t.kind = tgt.kind;
  if (tgt.kind == TargetKind::kHindsight) {
    t.hindsight = HindsightSettings{tgt.url, *key, tgt.bank, tgt.ca_file,
                                    tgt.ca_file.empty() ? "" : cfg->path + " [targets." + tgt.name + "] ca_file"};
  } else {
    t.url = tgt.url;
    t.api_key = *key;
    t.ca_file = tgt.ca_file;
    if (tgt.query_mode) t.mode = *tgt.query_mode;
  }
  return t;
}

std::string lightrag_query_body(const std::string& query, const std::string& mode) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().key("query").value(query).key("mode").value(mode).key("include_references").value(true).end_object();
  return s;
}

Result<std::string> render_lightrag_data(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) || !doc.is_object())
    return Error{"the server's /query/data answer is not JSON", exit_code::kPartial};
  std::string status = str(doc, "status");
  // 0260 answers 200 "failure" when retrieval found nothing: that is an answer, not an error.
  std::string_view reason;
  if (status == "failure" && !doc["metadata"]["failure_reason"].get_string().get(reason) && reason == "no_results")
    return std::string("no memories matched\n");
  if (!status.empty() && status != "success")
    return Error{"LightRAG: " + (str(doc, "message").empty() ? status : str(doc, "message")), exit_code::kPartial};
  simdjson::dom::array chunks, entities;
  if (doc["data"]["chunks"].get_array().get(chunks))
    return Error{"the server's /query/data answer has no data.chunks", exit_code::kPartial};
  std::string out;
  int n = 0;
  for (auto c : chunks) {
    out += std::to_string(++n) + ". " + shorten(str(c, "content"), 300) + "\n";
    if (auto f = str(c, "file_path"); !f.empty()) out += "   source: " + f + "\n";
  }
  if (!doc["data"]["entities"].get_array().get(entities) && entities.size() > 0) {
    std::string names;
    size_t shown = 0;
    for (auto e : entities) {
      if (shown++ == 10) {
        names += ", ...";
        break;
      }
      names += (names.empty() ? "" : ", ") + str(e, "entity_name");
    }
    out += "entities: " + names + "\n";
  }
  if (n == 0) out = "no memories matched\n";
  return out;
}

Result<std::string> render_lightrag_answer(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view text;
  if (parser.parse(body).get(doc) || doc["response"].get_string().get(text))
    return Error{"the server's /query answer is not the documented JSON (no \"response\")", exit_code::kPartial};
  std::string out(text);
  if (!out.ends_with("\n")) out += "\n";
  simdjson::dom::array refs;
  if (!doc["references"].get_array().get(refs) && refs.size() > 0) {
    out += "\nReferences:\n";
    for (auto r : refs) out += "  [" + str(r, "reference_id") + "] " + str(r, "file_path") + "\n";
  }
  return out;
}

std::string hindsight_only_flags(const RecallOptions& o) {
  std::string out;
  list(out, {{!o.budget.empty(), "--budget"},
             {o.max_tokens.has_value(), "--max-tokens"},
             {!o.types.empty(), "--types"},
             {!o.tags.empty(), "--tags"},
             {!o.tags_match.empty(), "--tags-match"},
             {!o.query_timestamp.empty(), "--query-timestamp"},
             {o.include_chunks, "--include-chunks"}});
  return out;
}

std::string hindsight_only_flags(const ReflectOptions& o) {
  std::string out;
  list(out, {{!o.budget.empty(), "--budget"},
             {o.max_tokens.has_value(), "--max-tokens"},
             {!o.context.empty(), "--context"},
             {!o.tags.empty(), "--tags"},
             {!o.tags_match.empty(), "--tags-match"},
             {!o.schema_file.empty(), "--schema"}});
  return out;
}

int run_lightrag_recall(const GlobalOptions& g, const QueryTarget& t, const RecallOptions& o) {
  std::string mode = o.mode.empty() ? t.mode : o.mode;
  auto render = [mode](const std::string& body) -> Result<std::string> {
    auto out = render_lightrag_data(body);
    // bypass skips retrieval altogether: "no match" would be a lie about the memories.
    if (out && mode == "bypass" && *out == "no memories matched\n")
      return std::string("nothing retrieved: bypass mode sends the query straight to the LLM without searching the "
                         "memories; use another --mode (e.g. mix) to list them\n");
    return out;
  };
  return ask(g, t, "/query/data", lightrag_query_body(o.query, mode), render, o.query, o.timeout);
}

int run_lightrag_reflect(const GlobalOptions& g, const QueryTarget& t, const ReflectOptions& o) {
  return ask(g, t, "/query", lightrag_query_body(o.query, o.mode.empty() ? t.mode : o.mode), render_lightrag_answer,
             o.query, o.timeout);
}

}  // namespace memconn
