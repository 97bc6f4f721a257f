// Issue 2, recall and reflect through the real binary: every option reaches the request body
// under the OpenAPI name, human and --json output, --schema validation.
#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "harness.h"

using e2e::JsonDoc;
using e2e::RunResult;
using e2e::SeenRequest;
using e2e::Standin;
using e2e::TempDir;

using e2e::args;
using e2e::hindsight_args;

namespace {

// The one request the stand-in saw on `suffix` (e.g. "/memories/recall").
// The server's answer as --json prints it: the envelope's keys first in its object, the rest
// byte for byte (man page, JSON OUTPUT).
std::string enveloped(const std::string& command, const std::string& answer) {
  REQUIRE(answer.rfind("{\"", 0) == 0);
  return "{\"command\":\"" + command + "\",\"result\":\"ok\",\"exit_code\":0," + answer.substr(1) + "\n";
}

SeenRequest only_request(Standin& s, const std::string& suffix) {
  auto reqs = s.requests();
  std::erase_if(reqs, [&](const SeenRequest& r) { return !r.path.ends_with(suffix); });
  REQUIRE(reqs.size() == 1);
  return reqs[0];
}

std::set<std::string> keys(simdjson::dom::element obj) {
  std::set<std::string> out;
  for (auto [k, v] : obj.get_object()) out.emplace(k);
  return out;
}

std::vector<std::string> strings(simdjson::dom::element arr) {
  std::vector<std::string> out;
  for (auto e : arr.get_array()) out.emplace_back(e.get_string().value());
  return out;
}

std::string str(simdjson::dom::element e) { return std::string(e.get_string().value()); }

// Two memories to ask about: one tagged and dated, one plain.
std::string seed(Standin& s, TempDir& t) {
  std::string path = t.write("facts.jsonl",
                             "{\"content\":\"Alice deployed the billing service\",\"timestamp\":\"2024-03-05T10:00:00Z\","
                             "\"tags\":[\"ops\",\"billing\"]}\n"
                             "{\"content\":\"Bob reviewed the billing dashboard\"}\n");
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"ingest", path}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return path;
}

size_t request_count(Standin& s, const std::string& suffix) {
  size_t n = 0;
  for (const auto& r : s.requests()) n += r.path.ends_with(suffix);
  return n;
}

}  // namespace

TEST_CASE("recall: every option reaches the request body under its OpenAPI name") {
  Standin s;
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"recall", "what did alice deploy", "--budget", "high", "--max-tokens",
                                                "500", "--types", "world,experience", "--tags", "a", "--tags", "b",
                                                "--tags-match", "any_strict", "--query-timestamp",
                                                "2024-01-01T00:00:00Z", "--include-chunks"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  JsonDoc body(only_request(s, "/memories/recall").body);
  auto root = body.root();
  CHECK(keys(root) == std::set<std::string>{"query", "budget", "max_tokens", "types", "tags", "tags_match",
                                           "query_timestamp", "include"});
  CHECK(str(root["query"]) == "what did alice deploy");
  CHECK(str(root["budget"]) == "high");
  CHECK(root["max_tokens"].get_int64().value() == 500);
  CHECK(strings(root["types"]) == std::vector<std::string>{"world", "experience"});
  CHECK(strings(root["tags"]) == std::vector<std::string>{"a", "b"});
  CHECK(str(root["tags_match"]) == "any_strict");
  CHECK(str(root["query_timestamp"]) == "2024-01-01T00:00:00Z");
  CHECK(simdjson::minify(root["include"]) == R"({"chunks":{}})");
  CHECK(s.stats()["faults.422"] == 0);  // the stand-in validates like the real server

  // Without options only the query is sent: the server's defaults apply.
  s.reset();
  r = e2e::run_memconn(args(hindsight_args(s), {"recall", "plain"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(only_request(s, "/memories/recall").body == R"({"query":"plain"})");
}

TEST_CASE("recall: human output is numbered with type, date, tags and source") {
  Standin s;
  TempDir t;
  std::string path = seed(s, t);
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"recall", "alice deployed billing"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto nl = [](const std::string& s) { return s + "\n"; };
  std::string first = nl("1. [world] 2024-03-05  Alice deployed the billing service") +
                      nl("   tags: ops, billing  source: " + path + ":1");
  REQUIRE(r.out.starts_with(first));
  std::string rest = r.out.substr(first.size());
  // The undated memory shows the day it was stored (mentioned_at).
  CHECK_MESSAGE(std::regex_match(rest, std::regex("2\\. \\[world\\] \\d{4}-\\d\\d-\\d\\d  Bob reviewed the billing "
                                                  "dashboard\n   source: " + path + ":2\n")),
                rest);
  CHECK(r.err.empty());

  r = e2e::run_memconn(args(hindsight_args(s), {"recall", "zebra"}));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "no memories matched\n");

  // --tags filters on the server: with any_strict only the tagged memory is left.
  r = e2e::run_memconn(args(hindsight_args(s), {"recall", "billing", "--tags", "ops", "--tags-match", "any_strict"}));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == first);
}

TEST_CASE("recall: --json prints the server's JSON, the envelope's keys added first") {
  Standin s;
  TempDir t;
  seed(s, t);
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "recall", "billing", "--include-chunks"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  SeenRequest req = only_request(s, "/memories/recall");
  e2e::HttpResponse direct = s.http("POST", req.path, req.body);
  REQUIRE(direct.status == 200);
  CHECK(r.out == enveloped("recall", direct.body));
  JsonDoc doc(r.out);
  CHECK(doc.root()["results"].get_array().size() == 2);
  CHECK(doc.root()["chunks"].is_object());
}

TEST_CASE("reflect: every option reaches the request body - --include-facts lists the Sources") {
  Standin s;
  TempDir t;
  seed(s, t);
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"reflect", "who deployed billing", "--budget", "mid", "--max-tokens",
                                                "300", "--context", "for the ops review", "--tags", "ops,billing",
                                                "--tags-match", "all_strict", "--include-facts"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  JsonDoc body(only_request(s, "/reflect").body);
  auto root = body.root();
  CHECK(keys(root) == std::set<std::string>{"query", "budget", "max_tokens", "context", "tags", "tags_match", "include"});
  CHECK(str(root["query"]) == "who deployed billing");
  CHECK(str(root["budget"]) == "mid");
  CHECK(root["max_tokens"].get_int64().value() == 300);
  CHECK(str(root["context"]) == "for the ops review");
  CHECK(strings(root["tags"]) == std::vector<std::string>{"ops", "billing"});
  CHECK(str(root["tags_match"]) == "all_strict");
  CHECK(simdjson::minify(root["include"]) == R"({"facts":{}})");

  // The answer's text first, then the memories it is based on.
  CHECK(r.out.starts_with("*Stand-in reflect: no LLM was called."));
  auto sources = r.out.find("\nSources:\n");
  REQUIRE(sources != std::string::npos);
  CHECK(r.out.find("- Alice deployed the billing service") < sources);
  CHECK(r.out.substr(sources) == "\nSources:\n  1. [world] Alice deployed the billing service\n");

  s.reset();
  seed(s, t);
  r = e2e::run_memconn(args(hindsight_args(s), {"reflect", "billing"}));
  REQUIRE(r.exit_code == 0);
  CHECK(only_request(s, "/reflect").body == R"({"query":"billing"})");
  CHECK(r.out.find("- Bob reviewed the billing dashboard") != std::string::npos);
  CHECK(r.out.find("Sources:") == std::string::npos);
}

TEST_CASE("reflect: --schema sends response_schema and prints the structured answer - --json is the server's JSON with the envelope") {
  Standin s;
  TempDir t;
  seed(s, t);
  std::string schema = t.write("schema.json", R"({
    "type": "object",
    "properties": {"summary": {"type": "string"}, "count": {"type": "integer"}},
    "required": ["summary", "count"]
  })");
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"reflect", "alice deployed", "--schema", schema}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  JsonDoc body(only_request(s, "/reflect").body);
  CHECK(simdjson::minify(body.root()["response_schema"]) ==
        R"({"type":"object","properties":{"summary":{"type":"string"},"count":{"type":"integer"}},"required":["summary","count"]})");
  CHECK(r.out.find("\nStructured output:\n{\"summary\":\"Alice deployed the billing service\",\"count\":1}\n") !=
        std::string::npos);

  s.reset();
  seed(s, t);
  r = e2e::run_memconn(args(hindsight_args(s), {"--json", "reflect", "alice deployed", "--include-facts"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  SeenRequest req = only_request(s, "/reflect");
  e2e::HttpResponse direct = s.http("POST", req.path, req.body);
  CHECK(r.out == enveloped("reflect", direct.body));
  JsonDoc doc(r.out);
  CHECK(doc.root()["based_on"]["memories"].get_array().size() == 1);
}

TEST_CASE("reflect: a bad --schema file is a one-line usage error (exit 2) and nothing is sent") {
  Standin s;
  TempDir t;
  std::string not_json = t.write("broken.json", "{\"type\": ");
  std::string array = t.write("array.json", "[{\"type\":\"string\"}]");
  for (const std::string& file : {t.file("missing.json"), not_json, array}) {
    CAPTURE(file);
    RunResult r = e2e::run_memconn(args(hindsight_args(s), {"reflect", "q", "--schema", file}));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("memconn: error: --schema: "));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  CHECK(request_count(s, "/reflect") == 0);
  CHECK(s.stats().requests() == 0);
}

TEST_CASE("recall: invalid option values are usage errors (exit 2)") {
  Standin s;
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--budget", "huge"}, {"--types", "world,dreams"}, {"--tags-match", "some"}, {"--max-tokens", "many"}}) {
    CAPTURE(extra[0]);
    RunResult r = e2e::run_memconn(args(args(hindsight_args(s), {"recall", "q"}), extra));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
  }
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"recall"}));
  CHECK(r.exit_code == 2);
  CHECK(s.stats().requests() == 0);
}
