#include "targets/lightrag/api.h"

#include <doctest/doctest.h>

using namespace memconn;

namespace {

HttpResponse resp(long status, std::string body) {
  HttpResponse r;
  r.transport_ok = true;
  r.status = status;
  r.body = std::move(body);
  r.content_type = "application/json";
  return r;
}

}  // namespace

TEST_CASE("lightrag insert: success carries the track id for --wait") {
  auto r = classify_lightrag_insert(
      resp(200, R"({"status":"success","message":"Texts successfully received.","track_id":"insert_20251218_143000_1a2b3c4d"})"), 3);
  CHECK(r.outcome == Outcome::Success);
  CHECK_FALSE(r.already_present);
  CHECK(r.operation_id == "insert_20251218_143000_1a2b3c4d");
}

TEST_CASE("lightrag insert: 0260 'duplicated' rejects a batch whole, so multi-item batches bisect") {
  std::string dup = R"({"status":"duplicated","message":"File source 'memory_c_1.txt' already exists in document storage (Status: processed).","track_id":"insert_x"})";
  auto many = classify_lightrag_insert(resp(200, dup), 4);
  CHECK(many.outcome == Outcome::ItemError);
  CHECK_FALSE(many.already_present);
  auto one = classify_lightrag_insert(resp(200, dup), 1);
  CHECK(one.outcome == Outcome::Success);
  CHECK(one.already_present);
  CHECK(one.operation_id.empty());  // the original insert's track id is not ours to wait for
}

TEST_CASE("lightrag insert: a duplicate LightRAG failed to index is not present, in either dialect") {
  std::string dup = R"({"status":"duplicated","message":"File source 'memory_c_1.txt' already exists in document storage (Status: failed).","track_id":"insert_x"})";
  auto one = classify_lightrag_insert(resp(200, dup), 1);
  CHECK(one.outcome == Outcome::ItemError);
  CHECK_FALSE(one.already_present);
  CHECK(one.message.find("(Status: failed)") != std::string::npos);
  std::string newer = R"({"detail":"Document storage already contains 'memory_c_1.txt' (Status: FAILED). Delete the existing record before re-inserting."})";
  CHECK(classify_lightrag_insert(resp(409, newer), 1).outcome == Outcome::ItemError);
  CHECK_FALSE(classify_lightrag_insert(resp(409, newer), 1).already_present);
}

TEST_CASE("lightrag insert: newer servers' 409, 413, 429 and errors") {
  std::string already = R"({"detail":"Document storage already contains 'memory_c_1.txt' (Status: processed). Delete the existing record before re-inserting."})";
  CHECK(classify_lightrag_insert(resp(409, already), 1).already_present);
  CHECK(classify_lightrag_insert(resp(409, already), 2).outcome == Outcome::ItemError);
  CHECK(classify_lightrag_insert(resp(409, R"({"detail":"A scan is classifying documents"})"), 1).outcome == Outcome::Retryable);
  CHECK(classify_lightrag_insert(resp(413, R"({"detail":"Too many texts"})"), 8).outcome == Outcome::ItemError);
  CHECK(classify_lightrag_insert(resp(429, R"({"detail":"busy"})"), 8).outcome == Outcome::Retryable);
  CHECK(classify_lightrag_insert(resp(403, R"({"detail":"Invalid API Key"})"), 8).outcome == Outcome::AuthError);
  auto fail = classify_lightrag_insert(resp(200, R"({"status":"failure","message":"bad text"})"), 1);
  CHECK(fail.outcome == Outcome::ItemError);
  CHECK(fail.message == "bad text");
  auto html = resp(200, "<html>proxy</html>");
  html.content_type = "text/html";
  CHECK(classify_lightrag_insert(html, 1).outcome == Outcome::Retryable);  // not an acknowledgement
  CHECK(classify_lightrag_insert(resp(200, R"({"status":"queued?"})"), 1).outcome == Outcome::Retryable);
}

TEST_CASE("lightrag: request body, health dialects and track status") {
  Item a, b;
  a.content = "t1";
  a.document_id = "a.txt";
  b.content = "t\"2";
  b.document_id = "b.txt";
  CHECK(lightrag_texts_body({&a, &b}) == R"({"texts":["t1","t\"2"],"file_sources":["a.txt","b.txt"]})");
  // Ingest keeps only the encoded form of an item once it is read (content cleared): the body
  // is the same, escapes included.
  Item c;
  c.json = R"({"text":"t\\\"3\n","file_source":"c\".txt"})";
  CHECK(lightrag_texts_body({&a, &c}) == R"({"texts":["t1","t\\\"3\n"],"file_sources":["a.txt","c\".txt"]})");
  CHECK(lightrag_auth_headers("K") == std::vector<std::string>{"X-API-Key: K"});
  CHECK(lightrag_auth_headers("").empty());

  LightragInfo old, fresh;
  REQUIRE(parse_lightrag_health(R"({"status":"healthy","core_version":"1.4.9.9","api_version":"0260⚠️"})", old));
  CHECK(old.api_version == "0260");
  CHECK_FALSE(old.newer);
  REQUIRE(parse_lightrag_health(R"({"status":"healthy","core_version":"1.5.0","api_version":"0270"})", fresh));
  CHECK(fresh.newer);
  LightragInfo none;
  CHECK_FALSE(parse_lightrag_health("{}", none));

  std::vector<TrackedDoc> docs;
  REQUIRE(parse_track_status(R"({"track_id":"t","documents":[{"file_path":"a.txt","status":"PROCESSED"},{"file_path":"b.txt","status":"failed","error_msg":"LLM timeout"}],"total_count":2})", docs));
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].status == "processed");
  CHECK(is_final_doc_status(docs[0].status));
  CHECK(docs[1].error == "LLM timeout");
  CHECK_FALSE(is_final_doc_status("parsing"));
}
