#include "sources/memory_api.h"

#include <doctest/doctest.h>

#include "base/exit_codes.h"

using namespace memconn;

namespace {

SourceConfig pendant(int limit) {
  SourceConfig c;
  c.name = "pendant";
  c.kind = SourceKind::kMemoryApi;
  c.url = "https://m.example.org";
  c.context = "107677";
  c.limit = limit;
  return c;
}

HttpResponse ok(std::string body) {
  HttpResponse r;
  r.transport_ok = true;
  r.status = 200;
  r.body = std::move(body);
  return r;
}

constexpr const char* kTwo = R"({"count": 2, "memories": [
  {"id": "abc123XYZ", "type": "memory", "audio": true, "image": "true", "gcs_uri": "gs://b/a.mp3",
   "transcript": "Had a great team meeting today", "location_lat": 48.1351, "location_lon": 11,
   "created_at": "2024-01-19T07:28:08Z", "updated_at": "2024-01-19T07:30:00Z", "tags": ["work", ""],
   "transcript_status": "processed"},
  {"id": "def", "transcript": "", "location_lat": null, "created_at": "2024-01-19T08:00:00"},
  {"transcript": "no id"}]})";

}  // namespace

TEST_CASE("memory api: parses the documented fields, leniently") {
  auto page = parse_memories(kTwo);
  REQUIRE(page.ok());
  REQUIRE(page->records.size() == 2);
  CHECK(page->without_id == 1);
  CHECK(page->count == 2);
  const auto& a = page->records[0];
  CHECK(a.id == "abc123XYZ");
  CHECK(a.audio);
  CHECK(a.image);  // "true" as a string: an earlier server sent strings
  CHECK(a.lat == 48.1351);
  CHECK(a.lon == 11.0);
  CHECK(a.tags == std::vector<std::string>{"work"});
  CHECK(a.transcript_status == "processed");
  CHECK(format_iso8601(*a.time) == "2024-01-19T07:28:08Z");
  const auto& b = page->records[1];
  CHECK_FALSE(b.lat.has_value());
  CHECK(format_iso8601(*b.time) == "2024-01-19T08:00:00Z");  // no zone: UTC
  CHECK(parse_memories(R"([{"id":"x","transcript":"t"}])")->records.size() == 1);
  CHECK_FALSE(parse_memories(R"({"items": []})").ok());
  CHECK_FALSE(parse_memories("<html>").ok());
}

TEST_CASE("memory api: one GET with X-API-KEY, limit and range - a full answer is a warning") {
  std::vector<HttpRequest> seen;
  MemoryApiSource src(pendant(2), "K", [&](const HttpRequest& r) {
    seen.push_back(r);
    return ok(kTwo);
  });
  FetchPlan plan;
  plan.now = *parse_iso8601("2024-01-20T00:00:00Z");
  plan.last_success = plan.now - std::chrono::hours(2);
  plan.overlap = std::chrono::hours(1);
  auto f = src.fetch(plan);
  REQUIRE(f.ok());
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].url == "https://m.example.org/memory/107677?limit=2&range=day");
  CHECK(std::find(seen[0].headers.begin(), seen[0].headers.end(), "X-API-KEY: K") != seen[0].headers.end());
  CHECK(f->records.size() == 2);
  REQUIRE(f->warnings.size() == 1);  // 3 memories for limit=2
  CHECK(f->warnings[0].find("full response") != std::string::npos);
  CHECK(f->warnings[0].find("memories may have been missed") != std::string::npos);

  MemoryApiSource roomy(pendant(1000), "K", [&](const HttpRequest&) { return ok(kTwo); });
  CHECK(roomy.fetch(plan)->warnings.empty());
}

TEST_CASE("memory api: refused key is exit 4, unreachable 69, unknown context 1") {
  auto with = [](long status, bool transport_ok = true) {
    MemoryApiSource src(pendant(10), "bad", [=](const HttpRequest&) {
      HttpResponse r;
      r.transport_ok = transport_ok;
      r.status = status;
      r.body = R"({"detail":"Invalid API key"})";
      r.error = "Connection refused";
      return r;
    });
    FetchPlan plan;
    plan.now = std::chrono::system_clock::now();
    auto f = src.fetch(plan);
    REQUIRE_FALSE(f.ok());
    return f.error();
  };
  auto e = with(401);
  CHECK(e.exit_code == exit_code::kAuth);
  CHECK(e.message == "source pendant: HTTP 401: Invalid API key (check the source's api_key)");
  CHECK(with(0, false).exit_code == exit_code::kUnreachable);
  CHECK(with(503).exit_code == exit_code::kUnreachable);
  CHECK(with(404).exit_code == exit_code::kPartial);
}

TEST_CASE("memory api: a lone surrogate, bad UTF-8 or a raw control character costs one character, not the answer") {
  std::string body = R"({"count":3,"memories":[{"id":"a","transcript":"cut \ud83d","created_at":"2024-01-19T07:28:08Z"},)"
                     R"({"id":"b","transcript":"whole \ud83d\ude00 and \\ud83d text","created_at":"2024-01-19T07:28:09Z"},)"
                     "{\"id\":\"c\",\"transcript\":\"tab\tand \xff byte\",\"created_at\":\"2024-01-19T07:28:10Z\"}]}";
  auto page = parse_memories(body);
  REQUIRE(page.ok());
  REQUIRE(page->records.size() == 3);
  CHECK(page->records[0].text == "cut \xEF\xBF\xBD");
  CHECK(page->records[1].text == "whole \xF0\x9F\x98\x80 and \\ud83d text");  // a pair, and an escaped backslash
  CHECK(page->records[2].text == "tab\tand \xEF\xBF\xBD byte");
  CHECK(page->repairs >= 2);
  CHECK(page->repaired_ids == std::vector<std::string>{"a", "c"});

  size_t n = 0;
  CHECK(repair_json_text(R"({"x":"fine \u00e9"})", n) == R"({"x":"fine \u00e9"})");
  CHECK(n == 0);
  CHECK(repair_json_text(R"(["\udc00x"])", n) == R"(["\ufffdx"])");
  CHECK(n == 1);
}
