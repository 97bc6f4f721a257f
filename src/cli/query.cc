#include "cli/query.h"

#include <simdjson.h>

#include <iostream>

#include "base/exit_codes.h"
#include "cli/console.h"
#include "cli/query_request.h"
#include "config/command_setup.h"
#include "connectors/context.h"
#include "state/atomic_file.h"
#include "targets/registry.h"

namespace memconn {

namespace {

QueryRequest recall_request(const RecallOptions& o) {
  QueryRequest q;
  q.kind = QueryRequest::Kind::Recall;
  q.query = o.query;
  q.budget = o.budget;
  q.max_tokens = o.max_tokens;
  q.types = o.types;
  q.tags = o.tags;
  q.tags_match = o.tags_match;
  q.query_timestamp = o.query_timestamp;
  q.include_chunks = o.include_chunks;
  q.mode = o.mode;
  return q;
}

Result<QueryRequest> reflect_request(const ReflectOptions& o) {
  QueryRequest q;
  q.kind = QueryRequest::Kind::Reflect;
  q.query = o.query;
  q.budget = o.budget;
  q.max_tokens = o.max_tokens;
  q.context = o.context;
  q.tags = o.tags;
  q.tags_match = o.tags_match;
  q.include_facts = o.include_facts;
  q.mode = o.mode;
  if (!o.schema_file.empty()) {
    auto text = read_whole_file(o.schema_file);
    if (!text) return Error{"--schema: " + text.error().message, exit_code::kUsage};
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto err = parser.parse(*text).get(doc))
      return Error{"--schema: " + o.schema_file + ": invalid JSON: " + simdjson::error_message(err), exit_code::kUsage};
    if (!doc.is_object()) return Error{"--schema: " + o.schema_file + ": a JSON Schema must be an object", exit_code::kUsage};
    q.response_schema = simdjson::minify(doc);
  }
  return q;
}

// The target asked: a connector's (--connector), else the Hindsight bank of flags > env > config.
Result<TargetSpec> query_target(const GlobalOptions& g, const Config& cfg, const EnvLookup& env,
                                const std::string& connector) {
  if (connector.empty()) {
    auto hs = resolve_hindsight(g, cfg, env, true);
    if (!hs) return hs.error();
    return default_target_spec(*hs);
  }
  auto c = find_connector(cfg, connector);
  if (!c) return c.error();
  return configured_target_spec(cfg, cfg.targets.at((*c)->target));
}

int ask(const GlobalOptions& g, const QueryRequest& q, const std::string& connector,
        const std::optional<std::string>& timeout, std::optional<int64_t> max_response_bytes) {
  Console console = make_console(g);
  auto fail = [&](const Error& e) {
    console.error(e.message);
    return e.exit_code;
  };
  auto env = process_env();
  auto setup = CommandSetup::open(g, env);
  if (!setup) return fail(setup.error());
  const Config* cfg = &setup->config();
  auto spec = query_target(g, *cfg, env, connector);
  if (!spec) return fail(spec.error());
  TuningFlags flags;
  flags.max_response_bytes = max_response_bytes;
  auto tuning = resolve_tuning(flags, cfg->defaults);
  if (!tuning) return fail(tuning.error());
  auto target = make_target(std::move(*spec), target_env(*tuning, nullptr, console));
  auto prepared = target->prepare_query(q);
  if (!prepared) return fail(prepared.error());
  HttpOptions http = target->http_options();
  http.accept_compressed = true;
  if (prepared->timeout) http.timeout = *prepared->timeout;
  if (auto st = apply_timeout_flag(timeout, http); !st) return fail(st.error());
  HttpClient client(http, nullptr);
  std::string json_command;
  if (g.json) json_command = q.kind == QueryRequest::Kind::Recall ? "recall" : "reflect";
  return ask_and_print(client, prepared->request, tuning->retries, json_command, console, target->describe(),
                       prepared->render, prepared->check_answer);
}

}  // namespace

int run_recall(const GlobalOptions& g, const RecallOptions& o) {
  return ask(g, recall_request(o), o.connector, o.timeout, o.max_response_bytes);
}

int run_reflect(const GlobalOptions& g, const ReflectOptions& o) {
  auto q = reflect_request(o);
  if (!q) {
    Console console = make_console(g);
    console.error(q.error().message);
    return q.error().exit_code;
  }
  return ask(g, *q, o.connector, o.timeout, o.max_response_bytes);
}

}  // namespace memconn
