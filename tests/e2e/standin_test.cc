// Tests of memconn-standin itself: the e2e suites rely on its counters and faults being exact.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "harness.h"

using e2e::HttpResponse;
using e2e::JsonDoc;
using e2e::Standin;

namespace {

const std::string kRetain = "/v1/default/banks/b1/memories";
const std::string kRecall = "/v1/default/banks/b1/memories/recall";

std::string op_path(const std::string& id) { return "/v1/default/banks/b1/operations/" + id; }

std::string str_at(const JsonDoc& d, const char* pointer) {
  std::string_view s;
  if (d.root().at_pointer(pointer).get_string().get(s)) return "<missing " + std::string(pointer) + ">";
  return std::string(s);
}

int64_t int_at(const JsonDoc& d, const char* pointer) {
  int64_t n = -1;
  if (d.root().at_pointer(pointer).get_int64().get(n)) return -1;
  return n;
}

size_t array_size(const JsonDoc& d, const char* pointer) {
  simdjson::dom::array a;
  if (d.root().at_pointer(pointer).get_array().get(a)) return 0;
  return a.size();
}

// A document's exact stored text, or a marker that fails any comparison when it is missing.
std::string text_of(Standin& s, const std::string& id) {
  auto d = s.document(id);
  return d ? d->content : "<no document " + id + ">";
}

// document_ids of a recall answer, in rank order.
std::vector<std::string> recalled(Standin& s, const std::string& body) {
  HttpResponse r = s.http("POST", kRecall, body);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  JsonDoc d(r.body);
  std::vector<std::string> ids;
  for (auto res : d.root()["results"].get_array()) ids.emplace_back(res["document_id"].get_string().value());
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string wait_for_status(Standin& s, const std::string& op, double timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  std::string status;
  while (std::chrono::steady_clock::now() < deadline) {
    JsonDoc d(s.get(op_path(op)));
    status = str_at(d, "/status");
    if (status == "completed" || status == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return status;
}

}  // namespace

TEST_CASE("standin: prints its URL, answers health and version, stops cleanly on SIGTERM") {
  Standin s;
  CHECK(s.url().starts_with("http://127.0.0.1:"));
  CHECK(s.port() > 0);
  CHECK(JsonDoc(s.get("/health")).root()["status"].get_string().value() == "healthy");
  CHECK(str_at(JsonDoc(s.get("/version")), "/api_version") == "0.9.1");
  CHECK(s.stop() == 0);
}

TEST_CASE("standin: restart keeps the port and starts empty") {
  Standin s;
  int port = s.port();
  s.post(kRetain, R"({"items":[{"content":"hello","document_id":"a"}]})");
  s.kill9();
  CHECK(s.http("GET", "/health").status == 0);  // outage
  s.restart();
  CHECK(s.port() == port);
  CHECK(s.stats().documents() == 0);
}

TEST_CASE("standin: retain upserts on document_id and counts resent items") {
  Standin s;
  auto r = s.http("POST", kRetain, R"({"items":[{"content":"one","document_id":"a"},{"content":"two","document_id":"b"}]})");
  REQUIRE(r.status == 200);
  JsonDoc d(r.body);
  CHECK(d.root()["success"].get_bool().value());
  CHECK(d.root()["async"].get_bool().value() == false);
  CHECK(int_at(d, "/items_count") == 2);
  CHECK(int_at(d, "/usage/total_tokens") > 0);

  REQUIRE(s.http("POST", kRetain, R"({"items":[{"content":"one v2","document_id":"a"}]})").status == 200);
  auto st = s.stats();
  CHECK(st.retain_requests() == 2);
  CHECK(st.items_received() == 3);
  CHECK(st.unique_document_ids() == 2);
  CHECK(st.resent_items() == 1);
  CHECK(st.documents() == 2);
  auto docs = s.documents();
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].document_id == "a");
  CHECK(docs[0].content == "one v2");
  CHECK(docs[0].times_received == 2);
  CHECK(docs[0].bank == "b1");
  // content_hash = SHA-256 of the content.
  CHECK(docs[1].content_hash == "3fc4ccfe745870e2c0d99f71f30ff0656c8dedd41cc1d7d3d376b0dbe685e2f3");
}

TEST_CASE("standin: sync retain folds items sharing a document_id") {
  Standin s;
  REQUIRE(s.http("POST", kRetain,
                 R"({"items":[{"content":"Alice works at Google","document_id":"c1","tags":["x"]},
                              {"content":"Bob went hiking","document_id":"c1","tags":["y"],"timestamp":"2024-01-15T10:00:00Z"}]})")
              .status == 200);
  auto docs = s.documents();
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].content == "Alice works at Google\nBob went hiking");
  CHECK(docs[0].tags == std::vector<std::string>{"x", "y"});
  CHECK(s.stats().resent_items() == 0);
}

TEST_CASE("standin: async retain rejects duplicate document_ids with 400") {
  Standin s;
  auto r = s.http("POST", kRetain, R"({"async":true,"items":[{"content":"a","document_id":"d"},{"content":"b","document_id":"d"}]})");
  CHECK(r.status == 400);
  CHECK(str_at(JsonDoc(r.body), "/detail").starts_with("Batch contains duplicate document_ids: ['d']"));
  CHECK(s.stats().documents() == 0);
}

TEST_CASE("standin: operation_id replays the original operation whatever the payload, 409 for another bank's or a child's id") {
  Standin s({"--op-ms", "0"});
  const std::string op = "0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f";
  const std::string body = R"({"async":true,"operation_id":")" + op + R"(","items":[{"content":"x","document_id":"d"}]})";
  auto first = s.http("POST", kRetain, body);
  REQUIRE(first.status == 200);
  CHECK(str_at(JsonDoc(first.body), "/operation_id") == op);
  auto again = s.http("POST", kRetain, body);
  CHECK(again.status == 200);
  CHECK(str_at(JsonDoc(again.body), "/operation_id") == op);
  auto st = s.stats();
  CHECK(st.items_received() == 1);
  CHECK(st["replayed_operations"] == 1);
  CHECK(st["replayed_other_payload"] == 0);
  CHECK(s.documents().at(0).times_received == 1);

  // The server compares the id only (memory_engine.py _resolve_retain_replay): new text under
  // a known id is answered as the original operation and never stored.
  auto other = s.http("POST", kRetain, R"({"async":true,"operation_id":")" + op + R"(","items":[{"content":"y","document_id":"d"}]})");
  CHECK(other.status == 200);
  CHECK(str_at(JsonDoc(other.body), "/operation_id") == op);
  CHECK(s.stats()["replayed_other_payload"] == 1);
  CHECK(text_of(s, "d") == "x");
  // Even duplicate ids, which a new operation may not carry: the replay is decided first.
  auto dup = s.http("POST", kRetain, R"({"async":true,"operation_id":")" + op +
                                         R"(","items":[{"content":"a","document_id":"z"},{"content":"b","document_id":"z"}]})");
  CHECK(dup.status == 200);

  auto elsewhere = s.http("POST", "/v1/default/banks/b2/memories",
                          R"({"async":true,"operation_id":")" + op + R"(","items":[{"content":"x","document_id":"d"}]})");
  CHECK(elsewhere.status == 409);
  CHECK(str_at(JsonDoc(elsewhere.body), "/detail").find("already in use") != std::string::npos);
  std::string child = str_at(JsonDoc(s.get(op_path(op))), "/child_operations/0/operation_id");
  CHECK(s.http("POST", kRetain, R"({"async":true,"operation_id":")" + child + R"(","items":[{"content":"x"}]})").status == 409);
  auto bad = s.http("POST", kRetain, R"({"async":true,"operation_id":"not-a-uuid","items":[{"content":"y"}]})");
  CHECK(bad.status == 422);
}

TEST_CASE("standin: retain validation is strict (422 FastAPI shape)") {
  Standin s;
  auto unknown = s.http("POST", kRetain, R"({"items":[{"content":"x","documentId":"a"}]})");
  CHECK(unknown.status == 422);
  JsonDoc d(unknown.body);
  CHECK(str_at(d, "/detail/0/type") == "extra_forbidden");
  CHECK(str_at(d, "/detail/0/loc/3") == "documentId");
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"x"}],"batch":1})").status == 422);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"   "}]})").status == 422);
  CHECK(s.http("POST", kRetain, R"({"items":[{"context":"no content"}]})").status == 422);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"x","metadata":{"n":1}}]})").status == 422);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"x","tags":"a"}]})").status == 422);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"x","timestamp":"yesterday"}]})").status == 422);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"x","timestamp":"unset"}]})").status == 200);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"x","timestamp":"2024-01-15T10:30:00+02:00"}]})").status == 200);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"x","metadata":{"k":"v","gone":null}}]})").status == 200);
  CHECK(s.http("POST", kRetain, R"({"items":[)").status == 422);
  CHECK(s.stats()["faults.422"] == 8);
}

TEST_CASE("standin: api key is required when configured") {
  Standin s({"--api-key", "sekret"});
  auto none = s.http("POST", kRetain, R"({"items":[{"content":"x"}]})");
  CHECK(none.status == 401);
  CHECK(str_at(JsonDoc(none.body), "/detail") == "Invalid API key");
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"x"}]})", {"Authorization: Bearer wrong"}).status == 401);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"x"}]})", {"Authorization: Bearer sekret"}).status == 200);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"x"}]})", {"Authorization: sekret"}).status == 200);
  CHECK(s.http("GET", "/health").status == 200);  // open
  CHECK(s.http("GET", "/version").status == 200);
  CHECK(s.stats()["faults.401"] == 2);
}

TEST_CASE("standin: fail-every answers 503 with Retry-After and processes nothing") {
  Standin s({"--fail-every", "2", "--retry-after", "3"});
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"a","document_id":"a"}]})").status == 200);
  auto failed = s.http("POST", kRetain, R"({"items":[{"content":"b","document_id":"b"}]})");
  CHECK(failed.status == 503);
  CHECK(failed.headers["retry-after"] == "3");
  CHECK(str_at(JsonDoc(failed.body), "/detail").size() > 0);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"b","document_id":"b"}]})").status == 200);
  auto st = s.stats();
  CHECK(st["faults.503"] == 1);
  CHECK(st.items_received() == 2);
  CHECK(st.documents() == 2);
}

TEST_CASE("standin: throttle-every answers 429 with Retry-After") {
  Standin s({"--throttle-every", "1"});
  auto r = s.http("GET", "/health");
  CHECK(r.status == 429);
  CHECK(r.headers["retry-after"] == "1");
  CHECK(s.stats()["faults.429"] == 1);
}

TEST_CASE("standin: fail-rate is reproducible with a seed") {
  auto pattern = [] {
    Standin s({"--fail-rate", "0.5", "--seed", "42"});
    std::string p;
    for (int i = 0; i < 20; ++i) p += s.http("GET", "/health").status == 503 ? 'x' : '.';
    return p;
  };
  std::string a = pattern();
  CHECK(a == pattern());
  CHECK(a.find('x') != std::string::npos);
  CHECK(a.find('.') != std::string::npos);
}

TEST_CASE("standin: drop-every stores the items but the client gets no response") {
  Standin s({"--drop-every", "1"});
  auto r = s.http("POST", kRetain, R"({"items":[{"content":"lost ack","document_id":"a"}]})");
  CHECK(r.status == 0);
  CHECK_FALSE(r.error.empty());
  s.config(R"({"drop_every":0})");
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"lost ack","document_id":"a"}]})").status == 200);
  auto st = s.stats();
  CHECK(st["faults.dropped"] == 1);
  CHECK(st.documents() == 1);
  CHECK(st.resent_items() == 1);
  CHECK(s.documents().at(0).times_received == 2);
}

TEST_CASE("standin: latency and slow body delay the answer") {
  Standin s({"--latency-ms", "150"});
  auto t0 = std::chrono::steady_clock::now();
  CHECK(s.http("GET", "/health").status == 200);
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(150));
  s.config(R"({"latency_ms":0,"slow_body_ms":300})");
  t0 = std::chrono::steady_clock::now();
  auto r = s.http("GET", "/health");
  CHECK(r.status == 200);
  CHECK(str_at(JsonDoc(r.body), "/status") == "healthy");
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(250));
}

TEST_CASE("standin: reject-marker refuses the whole request") {
  Standin s({"--reject-marker", "POISON"});
  auto r = s.http("POST", kRetain, R"({"items":[{"content":"fine","document_id":"a"},{"content":"has POISON","document_id":"b"}]})");
  CHECK(r.status == 422);
  JsonDoc d(r.body);
  CHECK(str_at(d, "/detail/0/msg") == "rejected by stand-in marker");
  CHECK(int_at(d, "/detail/0/loc/2") == 1);
  CHECK(str_at(d, "/detail/0/loc/3") == "content");
  CHECK(s.stats().documents() == 0);
  s.config(R"({"reject_marker":""})");
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"has POISON"}]})").status == 200);
}

TEST_CASE("standin: respond-html and respond-malformed") {
  Standin s({"--respond-html"});
  auto html = s.http("POST", kRetain, R"({"items":[{"content":"x"}]})");
  CHECK(html.status == 200);
  CHECK(html.headers["content-type"].starts_with("text/html"));
  CHECK(html.body.find("<html>") != std::string::npos);
  s.config(R"({"respond_html":false,"respond_malformed":true})");
  auto bad = s.http("GET", "/version");
  CHECK(bad.status == 200);
  CHECK(bad.headers["content-type"] == "application/json");
  simdjson::dom::parser p;
  CHECK(p.parse(bad.body).error() != simdjson::SUCCESS);
  CHECK(s.stats().documents() == 0);
}

TEST_CASE("standin: async operations progress and fail on the marker") {
  Standin s({"--op-ms", "300", "--fail-op-marker", "BREAKME"});
  auto ok = s.http("POST", kRetain, R"({"async":true,"items":[{"content":"good","document_id":"g"}]})");
  REQUIRE(ok.status == 200);
  std::string op = str_at(JsonDoc(ok.body), "/operation_id");
  JsonDoc early(s.get(op_path(op)));
  CHECK(str_at(early, "/status") == "pending");
  CHECK(s.stats().documents() == 0);  // written when the operation completes
  CHECK(wait_for_status(s, op, 5) == "completed");
  JsonDoc done(s.get(op_path(op)));
  CHECK(int_at(done, "/progress/processed") == 1);
  CHECK(int_at(done, "/progress/total") == 1);
  CHECK(s.stats().documents() == 1);

  auto bad = s.http("POST", kRetain, R"({"async":true,"items":[{"content":"BREAKME now","document_id":"x"}]})");
  std::string bad_op = str_at(JsonDoc(bad.body), "/operation_id");
  CHECK(wait_for_status(s, bad_op, 5) == "failed");
  CHECK(str_at(JsonDoc(s.get(op_path(bad_op))), "/error_message").find("fail-op marker") != std::string::npos);
  CHECK(s.stats().documents() == 1);
  CHECK(s.stats()["failed_operations"] == 1);

  CHECK(s.http("GET", op_path("nope")).status == 400);
  CHECK(str_at(JsonDoc(s.get(op_path("6f1d7a80-1111-4222-8333-944455556666"))), "/status") == "not_found");
  JsonDoc list(s.get("/v1/default/banks/b1/operations"));
  CHECK(int_at(list, "/total") == 4);  // two parents, two children
}

TEST_CASE("standin: recall honours tags_match exactly as the spec defines it") {
  Standin s;
  REQUIRE(s.http("POST", kRetain, R"({"items":[
      {"content":"coffee untagged","document_id":"none"},
      {"content":"coffee for a","document_id":"a","tags":["a"]},
      {"content":"coffee for b","document_id":"b","tags":["b"]},
      {"content":"coffee for a and b","document_id":"ab","tags":["a","b"]}]})").status == 200);
  using V = std::vector<std::string>;
  auto q = [&](const std::string& extra) { return recalled(s, R"({"query":"coffee")" + extra + "}"); };
  CHECK(q("") == V{"a", "ab", "b", "none"});
  CHECK(q(R"(,"tags":["a"])") == V{"a", "ab", "none"});  // any (default) keeps untagged
  CHECK(q(R"(,"tags":["a"],"tags_match":"any_strict")") == V{"a", "ab"});
  CHECK(q(R"(,"tags":["a","b"],"tags_match":"all")") == V{"ab", "none"});
  CHECK(q(R"(,"tags":["a","b"],"tags_match":"all_strict")") == V{"ab"});
  CHECK(q(R"(,"tags":["a"],"tags_match":"exact")") == V{"a"});
  CHECK(q(R"(,"tags":[],"tags_match":"exact")") == V{"none"});
  CHECK(q(R"(,"tag_groups":[{"tags":["a"]},{"not":{"tags":["b"]}}])") == V{"a"});
  CHECK(q(R"(,"types":["experience"])").empty());
}

TEST_CASE("standin: recall limits, chunks and errors") {
  Standin s;
  std::string big(4000, 'w');  // ~1000 tokens
  REQUIRE(s.http("POST", kRetain, R"({"items":[{"content":"alpha beta","document_id":"small"},{"content":"alpha )" + big +
                                      R"(","document_id":"big"}]})").status == 200);
  CHECK(recalled(s, R"({"query":"alpha beta","max_tokens":100})") == std::vector<std::string>{"small"});
  CHECK(recalled(s, R"({"query":"alpha beta"})").size() == 2);
  JsonDoc chunks(s.post(kRecall, R"({"query":"beta","include":{"chunks":{}}})"));
  std::string_view chunk_id = chunks.root()["results"].at(0)["chunk_id"].get_string().value();
  CHECK(chunks.root()["chunks"][chunk_id]["text"].get_string().value() == "alpha beta");
  CHECK(s.http("POST", kRecall, R"({"query":"x","query_timestamp":"not a date"})").status == 400);
  std::string long_query;
  for (int i = 0; i < 501; ++i) long_query += "word ";
  CHECK(s.http("POST", kRecall, R"({"query":")" + long_query + R"("})").status == 400);
  CHECK(s.http("POST", kRecall, R"({"query":"x","top_k":5})").status == 422);
  CHECK(s.http("POST", kRecall, R"({"query":"x","tags_match":"some"})").status == 422);
  CHECK(s.http("POST", "/v1/default/banks/unknown/memories/recall", R"({"query":"alpha"})").status == 200);
}

TEST_CASE("standin: reflect composes an answer from memories and fills a schema") {
  Standin s;
  REQUIRE(s.http("POST", kRetain, R"({"items":[{"content":"The deploy uses blue green switching","document_id":"d"}]})").status == 200);
  auto r = s.http("POST", "/v1/default/banks/b1/reflect",
                  R"({"query":"how does the deploy work","include":{"facts":{}},"response_schema":{"type":"object",
                      "properties":{"summary":{"type":"string"},"count":{"type":"integer"}},"required":["summary","count"]}})");
  REQUIRE(r.status == 200);
  JsonDoc d(r.body);
  CHECK(str_at(d, "/text").find("no LLM") != std::string::npos);
  CHECK(str_at(d, "/text").find("blue green") != std::string::npos);
  CHECK(array_size(d, "/based_on/memories") == 1);
  CHECK(str_at(d, "/structured_output/summary").find("blue green") != std::string::npos);
  CHECK(int_at(d, "/structured_output/count") == 1);
  CHECK(s.http("POST", "/v1/default/banks/b1/reflect", R"({"query":"x","budget":"max"})").status == 422);
  CHECK(s.http("POST", "/v1/default/banks/b1/reflect", R"({"query":"x","stream":true})").status == 422);
  CHECK(s.http("POST", "/v1/default/banks/newbank/reflect", R"({"query":"x"})").status == 200);
  CHECK(s.http("GET", "/v1/default/banks/newbank/profile").status == 200);  // reflect auto-creates
}

TEST_CASE("standin: banks, documents and profile endpoints") {
  Standin s;
  CHECK(s.http("GET", "/v1/default/banks/b1/profile").status == 404);
  REQUIRE(s.http("POST", kRetain, R"({"items":[{"content":"doc text","document_id":"x1","metadata":{"src":"t"}}]})").status == 200);
  CHECK(s.http("GET", "/v1/default/banks/b1/profile").status == 200);
  JsonDoc banks(s.get("/v1/default/banks"));
  CHECK(int_at(banks, "/total") == 1);
  CHECK(str_at(banks, "/banks/0/bank_id") == "b1");
  JsonDoc doc(s.get("/v1/default/banks/b1/documents/x1"));
  CHECK(str_at(doc, "/original_text") == "doc text");
  CHECK(str_at(doc, "/document_metadata/src") == "t");
  auto missing = s.http("GET", "/v1/default/banks/b1/documents/nope");
  CHECK(missing.status == 404);
  CHECK(str_at(JsonDoc(missing.body), "/detail") == "Document not found");
  CHECK(int_at(JsonDoc(s.get("/v1/default/banks/b1/stats")), "/total_documents") == 1);
  CHECK(s.http("GET", "/v1/default/nothing").status == 404);
}

TEST_CASE("standin: request log exposes headers and bodies - reset clears everything") {
  Standin s;
  s.http("POST", kRetain, R"({"items":[{"content":"x"}]})", {"User-Agent: memconn-test/1"});
  auto reqs = s.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].path == kRetain);
  CHECK(reqs[0].headers["user-agent"] == "memconn-test/1");
  CHECK_FALSE(reqs[0].has_header("expect"));
  CHECK(reqs[0].body.find("\"content\"") != std::string::npos);
  s.reset();
  CHECK(s.requests().empty());
  CHECK(s.stats().documents() == 0);
  CHECK(s.stats().requests() == 0);
}

TEST_CASE("standin: serves concurrent keep-alive clients and reports the peak") {
  Standin s({"--latency-ms", "300"});
  std::vector<std::thread> clients;
  std::atomic<int> ok{0}, ready{0};
  for (int i = 0; i < 16; ++i)
    clients.emplace_back([&, i] {
      // Start together so that the requests overlap even on a busy machine.
      ++ready;
      while (ready < 16) std::this_thread::yield();
      auto r = s.http("POST", kRetain, R"({"items":[{"content":"c","document_id":"d)" + std::to_string(i) + R"("}]})");
      if (r.status == 200) ++ok;
    });
  for (auto& t : clients) t.join();
  CHECK(ok == 16);
  auto st = s.stats();
  CHECK(st.max_concurrent() >= 12);
  CHECK(st.documents() == 16);
}

TEST_CASE("standin: config endpoint validates names and values") {
  Standin s;
  CHECK(s.http("POST", "/_standin/config", R"({"no_such_knob":1})").status == 400);
  CHECK(s.http("POST", "/_standin/config", R"({"fail_rate":2})").status == 400);
  s.config(R"({"fail_every":1})");
  CHECK(s.http("GET", "/health").status == 503);
  CHECK(s.http("GET", "/_standin/stats").status == 200);  // control endpoints never fault
}

// --- Failures as they really happen (issue 19, point 9) -----------------------------------

namespace {

std::string append_body(const std::string& doc, const std::string& text) {
  return R"({"items":[{"content":")" + text + R"(","document_id":")" + doc + R"(","update_mode":"append"}]})";
}

// The retain POSTs the stand-in saw, in arrival order.
std::vector<e2e::SeenRequest> writes_seen(Standin& s) {
  std::vector<e2e::SeenRequest> out;
  for (auto& r : s.requests())
    if (r.write > 0) out.push_back(std::move(r));
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("standin: drop_nth loses the answer with zero bytes - on a reused connection libcurl re-sends the POST by itself") {
  Standin s({"--drop-nth", "2"});
  e2e::HttpSession session(s.url());
  REQUIRE(session.post(kRetain, append_body("c1", "turn 1")).status == 200);
  // Stored, then the connection closes before any answer byte. libcurl sends the request
  // again on a fresh connection, and the client sees one clean 200.
  auto r = session.post(kRetain, append_body("c1", "turn 2"));
  CHECK(r.status == 200);
  CHECK(session.new_connections() == 1);
  CHECK(session.curl_info().find("retrying a fresh connect") != std::string::npos);
  auto seen = writes_seen(s);
  REQUIRE(seen.size() == 3);
  CHECK(seen[1].body == seen[2].body);
  CHECK(seen[1].connection_requests == 2);  // the reused connection
  CHECK(seen[2].connection_requests == 1);  // libcurl's fresh one
  CHECK(s.stats()["faults.dropped"] == 1);
  // What an append client meets: the turn is stored twice, and nothing said so.
  auto doc = s.document("c1");
  REQUIRE(doc);
  CHECK(doc->content == "turn 1\nturn 2\nturn 2");
  CHECK(doc->times_received == 3);
  CHECK(doc->appends == 2);
}

TEST_CASE("standin: a zero-byte drop on a fresh connection reaches the client as an empty reply") {
  Standin s({"--drop-nth", "1"});
  auto r = s.http("POST", kRetain, R"({"items":[{"content":"lost ack","document_id":"a"}]})");
  CHECK(r.status == 0);
  CHECK(r.error == "Server returned nothing (no headers, no data)");
  CHECK(s.stats()["writes"] == 1);  // no re-send on a fresh connection
  CHECK(text_of(s, "a") == "lost ack");
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"again","document_id":"a"}]})").status == 200);
}

TEST_CASE("standin: drop_every keeps its half body by default (reported, never re-sent) - drop_style zero makes it re-sent") {
  Standin s({"--drop-every", "2", "--fault-scope", "writes"});
  e2e::HttpSession session(s.url());
  CHECK(session.post(kRetain, append_body("c1", "one")).status == 200);
  auto half = session.post(kRetain, append_body("c1", "two"));
  CHECK(half.status == 0);
  CHECK(half.error == "Transferred a partial file");
  CHECK(s.stats()["writes"] == 2);
  s.config(R"({"drop_style":"zero"})");
  CHECK(session.post(kRetain, append_body("c1", "three")).status == 200);  // write 3, a new connection
  CHECK(session.post(kRetain, append_body("c1", "four")).status == 200);   // write 4 dropped, 5 is libcurl's re-send
  CHECK(s.stats()["writes"] == 5);
  CHECK(s.stats()["faults.dropped"] == 2);
  CHECK(text_of(s, "c1") == "one\ntwo\nthree\nfour\nfour");
}

TEST_CASE("standin: drop_reused_only spares requests on fresh connections") {
  Standin s({"--drop-every", "1", "--drop-reused-only", "--drop-style", "zero", "--fault-scope", "writes"});
  // A connection per request (as the harness' own client does): never dropped.
  for (int i = 0; i < 3; ++i) CHECK(s.http("POST", kRetain, append_body("fresh", "x")).status == 200);
  CHECK(s.stats()["faults.dropped"] == 0);
  CHECK(s.stats()["faults.drop_spared"] == 3);
  e2e::HttpSession session(s.url());
  CHECK(session.post(kRetain, append_body("kept", "a")).status == 200);  // fresh: spared
  CHECK(session.post(kRetain, append_body("kept", "b")).status == 200);  // reused: dropped, re-sent fresh
  CHECK(s.stats()["faults.dropped"] == 1);
  CHECK(text_of(s, "kept") == "a\nb\nb");
}

TEST_CASE("standin: drop_phase before cuts without storing, so libcurl's re-send stores the write once") {
  Standin s({"--drop-nth", "2", "--drop-phase", "before"});
  e2e::HttpSession session(s.url());
  CHECK(session.post(kRetain, append_body("c1", "turn 1")).status == 200);
  CHECK(session.post(kRetain, append_body("c1", "turn 2")).status == 200);
  CHECK(s.stats()["writes"] == 3);
  CHECK(text_of(s, "c1") == "turn 1\nturn 2");
  CHECK(s.stats()["retain_requests"] == 2);  // the cut request never reached the handler
}

TEST_CASE("standin: hang_nth stores the write, then holds its answer") {
  Standin s({"--hang-nth", "1", "--hang-ms", "1500"});
  std::atomic<long> status{-1};
  auto t0 = std::chrono::steady_clock::now();
  std::jthread client([&] { status = s.http("POST", kRetain, R"({"items":[{"content":"held","document_id":"h"}]})").status; });
  CHECK(e2e::eventually([&] { return s.document("h").has_value(); }, 10));
  CHECK(status == -1);  // stored while the answer is still outstanding
  client.join();
  CHECK(status == 200);
  CHECK(seconds_since(t0) >= 1.5);
  CHECK(s.stats()["faults.held"] == 1);
}

TEST_CASE("standin: with fault_scope writes, latency delays writes only and a write is stored at the end of it") {
  Standin s({"--latency-ms", "1000", "--fault-scope", "writes"});
  auto t0 = std::chrono::steady_clock::now();
  std::atomic<long> status{-1};
  std::jthread client([&] { status = s.http("POST", kRetain, R"({"items":[{"content":"slow","document_id":"w"}]})").status; });
  REQUIRE(e2e::eventually([&] { return s.stats()["writes"] == 1; }, 10));
  // Mid-processing: a read-back is answered at once and does not find the write yet.
  auto t1 = std::chrono::steady_clock::now();
  auto mid = s.http("GET", "/v1/default/banks/b1/documents/w");
  if (seconds_since(t0) < 0.9) CHECK(mid.status == 404);
  CHECK(seconds_since(t1) < 0.5);
  client.join();
  CHECK(status == 200);
  CHECK(seconds_since(t0) >= 1.0);
  CHECK(text_of(s, "w") == "slow");
}

TEST_CASE("standin: slow_nth makes an earlier write land after a later one") {
  // A replace the client gave up on (its --timeout) is still being processed; the client's
  // next replace of the same document lands first, and the stale one overwrites it.
  Standin s({"--slow-nth", "1", "--slow-ms", "800"});
  std::jthread stale([&] { s.http("POST", kRetain, R"({"items":[{"content":"turn 1","document_id":"c1"}]})"); });
  REQUIRE(e2e::eventually([&] { return s.stats()["writes"] == 1; }, 10));
  REQUIRE(s.http("POST", kRetain, R"({"items":[{"content":"turn 1\nturn 2","document_id":"c1"}]})").status == 200);
  CHECK(text_of(s, "c1") == "turn 1\nturn 2");
  stale.join();
  CHECK(text_of(s, "c1") == "turn 1");
  CHECK(s.stats()["faults.slowed"] == 1);
}

TEST_CASE("standin: a gateway answers 504 at its timeout while the server goes on and stores the write") {
  // The issue's case: 504 at 1 s from a gateway while the server takes 1.5 s.
  Standin s({"--gateway-timeout-ms", "1000", "--latency-ms", "1500", "--fault-scope", "writes"});
  auto t0 = std::chrono::steady_clock::now();
  auto r = s.http("POST", kRetain, R"({"items":[{"content":"late","document_id":"g"}]})");
  double took = seconds_since(t0);
  CHECK(r.status == 504);
  CHECK(r.headers["content-type"].starts_with("text/html"));
  CHECK(r.body.find("504 Gateway Time-out") != std::string::npos);
  CHECK(took >= 1.0);
  CHECK(took < 1.5);
  CHECK(e2e::eventually([&] { return s.document("g").has_value(); }, 10));
  CHECK(seconds_since(t0) >= 1.5);
  auto st = s.stats();
  CHECK(st["faults.gateway_504"] == 1);
  CHECK(st["responses.504"] == 1);
  CHECK(st["responses.200"] == 0);  // the server's own answer never left the gateway
  // Reads are out of scope, and a request done in time passes the gateway untouched.
  CHECK(s.http("GET", "/v1/default/banks/b1/documents/g").status == 200);
  s.config(R"({"latency_ms":0,"capacity_slots":1,"capacity_ms":100})");
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"quick","document_id":"q"}]})").status == 200);
}

TEST_CASE("standin: a 1-slot server answers 429 with Retry-After to every write beyond its slot") {
  Standin s({"--capacity-slots", "1", "--capacity-queue", "0", "--capacity-ms", "1500", "--retry-after", "2",
             "--fault-scope", "writes"});
  std::vector<std::jthread> clients;  // joined even when a REQUIRE below fails
  std::atomic<int> ok{0}, refused{0}, ready{0}, other{0};
  std::atomic<bool> retry_after_ok{true};
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&, i] {
      ++ready;
      while (ready < 8) std::this_thread::yield();
      auto r = s.http("POST", kRetain, R"({"items":[{"content":"c","document_id":"d)" + std::to_string(i) + R"("}]})");
      if (r.status == 200) ++ok;
      else if (r.status == 429) ++refused, retry_after_ok = retry_after_ok && r.headers["retry-after"] == "2";
      else ++other;
    });
  // Reads stay answered during the storm: the slot is the writes' (fault_scope writes).
  REQUIRE(e2e::eventually([&] { return s.stats()["writes"] == 8; }, 10));
  CHECK(s.http("GET", "/v1/default/banks/b1/documents").status == 200);
  for (auto& t : clients) t.join();
  CHECK(other == 0);
  CHECK(ok >= 1);
  CHECK(ok <= 2);  // one slot, 1.5 s each: the others all arrive while it is held
  CHECK(refused == 8 - ok);
  CHECK(retry_after_ok);
  CHECK(s.stats().documents() == ok);
}

TEST_CASE("standin: throttle_rate near 1 is a reproducible 429 storm on writes only") {
  auto storm = [] {
    Standin s({"--throttle-rate", "0.97", "--seed", "7", "--retry-after", "1", "--fault-scope", "writes"});
    std::string pattern;
    for (int i = 0; i < 100; ++i) {
      auto r = s.http("POST", kRetain, R"({"items":[{"content":"x","document_id":"d)" + std::to_string(i) + R"("}]})");
      pattern += r.status == 200 ? '.' : r.status == 429 && r.headers["retry-after"] == "1" ? 'x' : '?';
      if (i % 10 == 0) CHECK(s.http("GET", "/health").status == 200);
    }
    CHECK(s.stats().documents() == static_cast<long long>(std::count(pattern.begin(), pattern.end(), '.')));
    return pattern;
  };
  std::string a = storm();
  CHECK(a == storm());
  CHECK(a.find('?') == std::string::npos);
  auto passed = std::count(a.begin(), a.end(), '.');
  CHECK(passed >= 1);
  CHECK(passed <= 10);
}

TEST_CASE("standin: with fault_scope writes, *_every counts writes only") {
  Standin s({"--fail-every", "2", "--fault-scope", "writes"});
  for (int i = 0; i < 3; ++i) CHECK(s.http("GET", "/health").status == 200);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"a"}]})").status == 200);
  CHECK(s.http("GET", "/v1/default/banks/b1/documents").status == 200);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"b"}]})").status == 503);
  CHECK(s.http("POST", kRetain, R"({"items":[{"content":"c"}]})").status == 200);
}

TEST_CASE("standin: the fault knobs validate and read back") {
  Standin s;
  CHECK(s.http("POST", "/_standin/config", R"({"drop_nth":"0"})").status == 400);
  CHECK(s.http("POST", "/_standin/config", R"({"drop_nth":"2,x"})").status == 400);
  CHECK(s.http("POST", "/_standin/config", R"({"drop_nth":"2,"})").status == 400);
  CHECK(s.http("POST", "/_standin/config", R"({"drop_style":"slow"})").status == 400);
  CHECK(s.http("POST", "/_standin/config", R"({"fault_scope":"reads"})").status == 400);
  CHECK(s.http("POST", "/_standin/config", R"({"drop_phase":"during"})").status == 400);
  s.config(R"({"drop_nth":"5,2","hang_nth":3,"gateway_timeout_ms":250})");
  JsonDoc c(s.get("/_standin/config"));
  CHECK(str_at(c, "/drop_nth") == "2,5");
  CHECK(str_at(c, "/hang_nth") == "3");
  CHECK(str_at(c, "/drop_style") == "auto");
  CHECK(int_at(c, "/gateway_timeout_ms") == 250);
  s.config(R"({"drop_nth":""})");
  CHECK(str_at(JsonDoc(s.get("/_standin/config")), "/drop_nth") == "");
}

// --- Content identity -----------------------------------------------------------------------

TEST_CASE("standin: documents carry the sanitized text, its content_hash and text_length in code points") {
  Standin s;
  REQUIRE(s.http("POST", kRetain, R"({"items":[{"content":"h\u00e9llo\u0001 w\u00f6rld\u007f","document_id":"u"}]})").status == 200);
  // Control characters are removed at ingress; the hash is SHA-256 of what is stored.
  const std::string hash = "a1003f7d04a4115711d0b48a2eaf1359ce565d2d2a6fd65098dfcffadeeef59f";
  JsonDoc doc(s.get("/v1/default/banks/b1/documents/u"));
  CHECK(str_at(doc, "/original_text") == "h\u00e9llo w\u00f6rld");
  CHECK(str_at(doc, "/content_hash") == hash);
  JsonDoc list(s.get("/v1/default/banks/b1/documents"));
  CHECK(str_at(list, "/items/0/content_hash") == hash);
  CHECK(int_at(list, "/items/0/text_length") == 11);  // 13 bytes
  CHECK(s.document("u").value_or(e2e::StoredDoc{}).content_hash == hash);
  // Items of one request are joined with "\n" before hashing.
  REQUIRE(s.http("POST", kRetain, R"({"items":[{"content":"a","document_id":"j"},{"content":"b","document_id":"j"}]})").status == 200);
  CHECK(str_at(JsonDoc(s.get("/v1/default/banks/b1/documents/j")), "/content_hash") ==
        "7e18f737311b2dc3b2f269dd78396b0351f14fb66efa879f768cb23181883c78");
}

TEST_CASE("standin: replace stores exactly the new text, append joins with a newline") {
  Standin s;
  auto send = [&](const std::string& items) { REQUIRE(s.http("POST", kRetain, R"({"items":)" + items + "}").status == 200); };
  send(R"([{"content":"turn 1","document_id":"c"}])");
  send(R"([{"content":"turn 2","document_id":"c","update_mode":"append"}])");
  CHECK(text_of(s, "c") == "turn 1\nturn 2");
  CHECK(str_at(JsonDoc(s.get("/v1/default/banks/b1/documents/c")), "/content_hash") ==
        "ae9c603e855f9e3eda31ae7f9c36cc648f7973ff6d1d88feed47bde3a716a915");
  send(R"([{"content":"whole text","document_id":"c"}])");
  CHECK(text_of(s, "c") == "whole text");
  send(R"([{"content":"again","document_id":"c","update_mode":"replace"}])");
  CHECK(text_of(s, "c") == "again");
  // An append to a document that does not exist stores its text alone.
  send(R"([{"content":"first","document_id":"new","update_mode":"append"}])");
  CHECK(text_of(s, "new") == "first");
  // A document's mode comes from the first of its items that names one.
  send(R"([{"content":"x","document_id":"c"},{"content":"y","document_id":"c","update_mode":"append"}])");
  CHECK(text_of(s, "c") == "again\nx\ny");
  send(R"([{"content":"p","document_id":"c","update_mode":"replace"},{"content":"q","document_id":"c","update_mode":"append"}])");
  CHECK(text_of(s, "c") == "p\nq");
  auto c = s.document("c");
  REQUIRE(c);
  CHECK(c->times_received == 6);
  CHECK(c->appends == 2);
  CHECK(s.texts("b1") == std::map<std::string, std::string>{{"c", "p\nq"}, {"new", "first"}});
}

TEST_CASE("harness: run_memconn captures output and exit status") {
  auto r = e2e::run_memconn({"--version"});
  CHECK_FALSE(r.signaled);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("memconn") != std::string::npos);
  e2e::TempDir dir;
  std::string p = e2e::write_lines(dir.file("in/lines.txt"), 5, "row ");
  CHECK(e2e::count_lines(p) == 5);
  CHECK(e2e::read_file(p).starts_with("row 0\n"));
}

// --- LightRAG ---------------------------------------------------------------------------

TEST_CASE("standin: lightrag inserts texts and tracks them to processed") {
  Standin s({"--op-ms", "150"}, "lightrag");
  auto r = s.http("POST", "/documents/texts", R"({"texts":["Met Anna about the Q3 roadmap","t2"],"file_sources":["a.txt","b.txt"]})");
  REQUIRE(r.status == 200);
  JsonDoc d(r.body);
  CHECK(str_at(d, "/status") == "success");
  std::string track = str_at(d, "/track_id");
  CHECK(track.starts_with("insert_"));
  CHECK(track.size() == std::string("insert_20251218_143000_1a2b3c4d").size());
  JsonDoc early(s.get("/documents/track_status/" + track));
  CHECK(int_at(early, "/total_count") == 2);
  CHECK(str_at(early, "/documents/0/status") == "pending");
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  JsonDoc late(s.get("/documents/track_status/" + track));
  CHECK(int_at(late, "/status_summary/processed") == 2);
  CHECK(str_at(late, "/documents/0/id").starts_with("doc-"));
  CHECK(int_at(JsonDoc(s.get("/documents/track_status/insert_unknown")), "/total_count") == 0);
  auto docs = s.documents();
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].file_source + docs[1].file_source == "b.txta.txt");
  CHECK(docs[0].status == "processed");
  CHECK(str_at(JsonDoc(s.get("/health")), "/api_version") == "0260");
}

TEST_CASE("standin: lightrag 0260 answers duplicated and inserts nothing of that batch") {
  Standin s({}, "lightrag");
  REQUIRE(s.http("POST", "/documents/texts", R"({"texts":["first"],"file_sources":["a.txt"]})").status == 200);
  auto by_source = s.http("POST", "/documents/texts", R"({"texts":["other","new"],"file_sources":["a.txt","n.txt"]})");
  CHECK(by_source.status == 200);
  CHECK(str_at(JsonDoc(by_source.body), "/status") == "duplicated");
  auto by_content = s.http("POST", "/documents/texts", R"({"texts":["new","  first  "],"file_sources":["n.txt","z.txt"]})");
  CHECK(str_at(JsonDoc(by_content.body), "/status") == "duplicated");
  CHECK(str_at(JsonDoc(by_content.body), "/message").find("Identical content") != std::string::npos);
  CHECK(s.stats().documents() == 1);
  // Duplicates inside one batch collapse silently.
  CHECK(str_at(JsonDoc(s.post("/documents/texts", R"({"texts":["same","same"],"file_sources":["s1","s2"]})")), "/status") == "success");
  CHECK(s.stats().documents() == 2);
}

TEST_CASE("standin: lightrag new version answers 409 and 413, and needs a file_source") {
  Standin s({"--lightrag-version", "new", "--max-texts", "2"}, "lightrag");
  CHECK(str_at(JsonDoc(s.get("/health")), "/api_version") == "0270");
  REQUIRE(s.http("POST", "/documents/texts", R"({"texts":["one"],"file_sources":["memory_ctx_1.txt"]})").status == 200);
  CHECK(s.http("POST", "/documents/texts", R"({"texts":["two"],"file_sources":["memory_ctx_1.txt"]})").status == 409);
  CHECK(s.http("POST", "/documents/texts", R"({"texts":["a","b","c"]})").status == 413);
  CHECK(s.http("POST", "/documents/text", R"({"text":"no source"})").status == 400);
  CHECK(s.http("POST", "/documents/text", R"({"text":"   ","file_source":"x.txt"})").status == 422);
  CHECK(s.http("POST", "/documents/text", R"({"text":"ok","file_source":"memory://ctx/abc"})").status == 200);
  CHECK(s.http("POST", "/documents/text", R"({"text":"ok 2","file_source":"abc"})").status == 409);  // basename
}

TEST_CASE("standin: lightrag 0260 stores a missing file_source as null, which breaks status routes") {
  Standin s({}, "lightrag");
  auto r = s.http("POST", "/documents/text", R"({"text":"no source given","metadata":{"ignored":true}})");
  REQUIRE(r.status == 200);
  CHECK(s.http("GET", "/documents/track_status/" + str_at(JsonDoc(r.body), "/track_id")).status == 500);
  CHECK(s.http("POST", "/documents/paginated", "{}").status == 500);
  CHECK(s.http("POST", "/documents/text", R"({"text":"x","file_source":null})").status == 422);
  CHECK(s.http("POST", "/documents/text", R"({"text":""})").status == 422);
}

TEST_CASE("standin: lightrag auth uses X-API-Key with 403s") {
  Standin s({"--api-key", "k1"}, "lightrag");
  auto none = s.http("POST", "/documents/texts", R"({"texts":["x"]})");
  CHECK(none.status == 403);
  CHECK(str_at(JsonDoc(none.body), "/detail") == "API Key required");
  auto wrong = s.http("POST", "/documents/texts", R"({"texts":["x"]})", {"X-API-Key: nope"});
  CHECK(wrong.status == 403);
  CHECK(str_at(JsonDoc(wrong.body), "/detail") == "Invalid API Key");
  CHECK(s.http("POST", "/documents/texts", R"({"texts":["x"]})", {"X-API-Key: k1"}).status == 200);
  CHECK(s.http("GET", "/health").status == 200);
  std::string guest = str_at(JsonDoc(s.get("/auth-status")), "/access_token");
  CHECK(s.http("GET", "/documents/pipeline_status", "", {"Authorization: Bearer " + guest}).status == 200);
  CHECK(s.http("GET", "/documents/pipeline_status", "", {"Authorization: Bearer forged"}).status == 401);
  CHECK(s.stats()["faults.403"] == 2);
}

TEST_CASE("standin: lightrag queries rank processed documents") {
  Standin s({"--op-ms", "0"}, "lightrag");
  REQUIRE(s.http("POST", "/documents/texts", R"({"texts":["Anna likes the Q3 roadmap","Bob fixes bikes"],"file_sources":["m1.txt","m2.txt"]})").status == 200);
  JsonDoc q(s.post("/query", R"({"query":"What about the roadmap?","mode":"mix"})"));
  CHECK(str_at(q, "/response").find("Anna likes") != std::string::npos);
  CHECK(str_at(q, "/references/0/file_path") == "m1.txt");
  CHECK(str_at(JsonDoc(s.post("/query", R"({"query":"zebra crossing"})")), "/response") == "No relevant context found for the query.");
  CHECK(s.http("POST", "/query", R"({"query":"ab"})").status == 422);
  auto data_err = s.http("POST", "/query/data", R"({"query":"ab"})");
  CHECK(data_err.status == 400);
  CHECK(str_at(JsonDoc(data_err.body), "/status") == "failure");
  JsonDoc data(s.post("/query/data", R"({"query":"bikes please"})"));
  CHECK(str_at(data, "/data/chunks/0/file_path") == "m2.txt");
  CHECK(s.http("POST", "/query", R"({"query":"roadmap","mode":"deep"})").status == 422);
}

TEST_CASE("standin: lightrag faults and reject marker apply to inserts") {
  Standin s({"--reject-marker", "BAD", "--fail-every", "3"}, "lightrag");
  CHECK(s.http("POST", "/documents/texts", R"({"texts":["fine","BAD one"]})").status == 422);
  CHECK(s.http("POST", "/documents/texts", R"({"texts":["fine"]})").status == 200);
  CHECK(s.http("POST", "/documents/texts", R"({"texts":["more"]})").status == 503);
  CHECK(s.stats().documents() == 1);
}

TEST_CASE("standin: lightrag answers an insert under an existing file_source per dialect - delete then insert works") {
  for (std::string version : {"old", "new"}) {
    CAPTURE(version);
    Standin s({"--op-ms", "0", "--lightrag-version", version}, "lightrag");
    REQUIRE(s.http("POST", "/documents/text", R"({"text":"first text","file_source":"memory_c_1.txt"})").status == 200);
    auto again = s.http("POST", "/documents/text", R"({"text":"edited text","file_source":"memory_c_1.txt"})");
    if (version == "old") {
      CHECK(again.status == 200);
      CHECK(str_at(JsonDoc(again.body), "/status") == "duplicated");
      CHECK(str_at(JsonDoc(again.body), "/message").starts_with("File source 'memory_c_1.txt' already exists"));
    } else {
      CHECK(again.status == 409);
      CHECK(str_at(JsonDoc(again.body), "/detail").starts_with("Document storage already contains 'memory_c_1.txt'"));
    }
    JsonDoc page(s.post("/documents/paginated", "{}"));
    CHECK(str_at(page, "/documents/0/file_path") == "memory_c_1.txt");
    CHECK(int_at(page, "/documents/0/content_length") == 10);
    std::string id = str_at(page, "/documents/0/id");
    auto del = s.http("DELETE", "/documents/delete_document", R"({"doc_ids":[")" + id + R"("]})");
    CHECK(str_at(JsonDoc(del.body), "/status") == "deletion_started");
    CHECK(s.http("POST", "/documents/text", R"({"text":"edited téxt","file_source":"memory_c_1.txt"})").status == 200);
    auto docs = s.documents();
    REQUIRE(docs.size() == 1);
    CHECK(docs[0].content == "edited t\u00e9xt");
    CHECK(int_at(JsonDoc(s.post("/documents/paginated", "{}")), "/documents/0/content_length") == 11);  // code points
  }
}

// --- Memory API -------------------------------------------------------------------------

TEST_CASE("standin: memory-api serves generated memories newest first within range and limit") {
  Standin s({"--generate", "ctx1:40", "--now", "2025-06-30T12:00:00Z", "--api-key", "mk"}, "memory-api");
  auto no_key = s.http("GET", "/memory/ctx1");
  CHECK(no_key.status == 401);
  CHECK(s.http("GET", "/memory/ctx1", "", {"X-API-KEY: wrong"}).status == 401);
  CHECK(s.http("GET", "/memory/other", "", {"X-API-KEY: mk"}).status == 404);
  auto all = s.http("GET", "/memory/ctx1?range=all&limit=1000", "", {"X-API-KEY: mk"});
  REQUIRE(all.status == 200);
  JsonDoc d(all.body);
  CHECK(int_at(d, "/count") == 40);
  std::string prev = "9999";
  int empty = 0, located = 0;
  for (auto m : d.root()["memories"].get_array()) {
    std::string created(m["created_at"].get_string().value());
    CHECK(created <= prev);
    CHECK(created >= "2025-06-10T12:00:00Z");
    prev = created;
    CHECK(m["id"].get_string().value().size() == 20);
    CHECK(m["audio"].is_bool());
    empty += m["transcript"].get_string().value().empty();
    located += !m["location_lat"].error();
  }
  CHECK(empty > 0);
  CHECK(empty < 40);
  CHECK(located > 0);
  JsonDoc def(s.http("GET", "/memory/ctx1", "", {"X-API-KEY: mk"}).body);
  CHECK(int_at(def, "/count") <= 10);  // default limit 10, default range week
  JsonDoc week(s.http("GET", "/memory/ctx1?range=week&limit=1000", "", {"X-API-KEY: mk"}).body);
  JsonDoc month(s.http("GET", "/memory/ctx1?range=month&limit=1000", "", {"X-API-KEY: mk"}).body);
  CHECK(int_at(week, "/count") < int_at(month, "/count"));
  CHECK(int_at(month, "/count") == 40);
  CHECK(s.http("GET", "/memory/ctx1?range=year", "", {"X-API-KEY: mk"}).status == 400);
  CHECK(s.http("GET", "/memory/ctx1?limit=0", "", {"X-API-KEY: mk"}).status == 400);
}

TEST_CASE("standin: memory-api loads a file and grows at runtime") {
  e2e::TempDir dir;
  std::string file = dir.write("memories.json", R"({"c9":[{"id":"abc123XYZ","type":"memory","audio":true,"image":false,
      "transcript":"Had a great team meeting","created_at":"2024-01-19T07:28:08Z"}]})");
  Standin s({"--memories", file, "--now", "2024-01-20T00:00:00Z"}, "memory-api");
  JsonDoc first(s.get("/memory/c9?range=day"));
  CHECK(int_at(first, "/count") == 1);
  CHECK(str_at(first, "/memories/0/id") == "abc123XYZ");
  JsonDoc added(s.post("/_standin/memories", R"({"context":"c9","generate":3})"));
  CHECK(int_at(added, "/added") == 3);
  s.post("/_standin/memories", R"({"context":"c9","memories":[{"id":"m-new","transcript":"fresh note","audio":false,"image":false}]})");
  JsonDoc now(s.get("/memory/c9?range=day&limit=2"));
  CHECK(int_at(now, "/count") == 2);
  CHECK(str_at(now, "/memories/0/id") == "m-new");
  CHECK(s.stats()["memories"] == 5);
  CHECK(s.http("GET", "/memory/c9/abc123XYZ/audio").headers["content-type"] == "audio/mpeg");
  CHECK(s.http("GET", "/memory/c9/abc123XYZ/image").status == 404);
  s.config(R"({"throttle_every":1})");
  CHECK(s.http("GET", "/memory/c9").status == 429);
}
