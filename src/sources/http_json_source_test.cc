#include "sources/http_json_source.h"

#include <doctest/doctest.h>

#include <map>

#include "base/exit_codes.h"

using namespace memconn;

namespace {

SourceConfig notes(Paging paging) {
  SourceConfig c;
  c.name = "notes";
  c.kind = SourceKind::kHttpJson;
  c.url = "https://n.example.org/api/notes";
  c.items_path = "data.items";
  c.id_field = "id";
  c.text_field = "body.text";
  c.time_field = "ts";
  c.paging = paging;
  c.page_size = 2;
  return c;
}

HttpResponse ok(std::string body) {
  HttpResponse r;
  r.transport_ok = true;
  r.status = 200;
  r.body = std::move(body);
  return r;
}

std::string items(std::initializer_list<int> ids, std::string extra = "") {
  std::string s = R"({"data":{"items":[)";
  bool first = true;
  for (int id : ids) {
    s += (first ? "" : ",") + std::string(R"({"id":)") + std::to_string(id) + R"(,"body":{"text":"note )" +
         std::to_string(id) + R"("},"ts":"2024-01-0)" + std::to_string(id % 9 + 1) + R"(T00:00:00Z"})";
    first = false;
  }
  return s + "]}" + extra + "}";
}

// Serves answers by URL and records the requests.
struct Server {
  std::map<std::string, std::string> pages;
  std::vector<HttpRequest> seen;
  Transport transport() {
    return [this](const HttpRequest& r) {
      seen.push_back(r);
      auto it = pages.find(r.url);
      if (it == pages.end()) FAIL("unexpected request " << r.url);
      return ok(it->second);
    };
  }
};

}  // namespace

TEST_CASE("http-json: dotted paths for items, id, text and time") {
  auto page = parse_json_page(notes(Paging::kNone), items({1, 2}));
  REQUIRE(page.ok());
  REQUIRE(page->records.size() == 2);
  CHECK(page->records[0].id == "1");
  CHECK(page->records[0].text == "note 1");
  CHECK(format_iso8601(*page->records[1].time) == "2024-01-03T00:00:00Z");
  auto unix = notes(Paging::kNone);
  unix.items_path = "";
  auto p2 = parse_json_page(unix, R"([{"id":"x","body":{"text":"t"},"ts":1705649288},{"id":"y","ts":1705649288000},{"no":"id"}])");
  REQUIRE(p2.ok());
  CHECK(format_iso8601(*p2->records[0].time) == "2024-01-19T07:28:08Z");
  CHECK(format_iso8601(*p2->records[1].time) == "2024-01-19T07:28:08Z");  // milliseconds
  CHECK(p2->without_id == 1);
  CHECK_FALSE(parse_json_page(unix, R"({"data":[]})").ok());  // not an array; says to set items_path
}

TEST_CASE("http-json: page paging stops at an empty page, not a short one (servers cap page sizes)") {
  Server s;
  const std::string base = "https://n.example.org/api/notes?";
  s.pages[base + "page=1&limit=2"] = items({1, 2});
  s.pages[base + "page=2&limit=2"] = items({3, 4});
  s.pages[base + "page=3&limit=2"] = items({5});
  s.pages[base + "page=4&limit=2"] = items({});
  HttpJsonSource src(notes(Paging::kPage), "", s.transport());
  auto f = src.fetch(FetchPlan{});
  REQUIRE(f.ok());
  CHECK(f->records.size() == 5);
  CHECK(s.seen.size() == 4);
  CHECK(f->request_summary == "4 pages: 5 items");
  CHECK(f->warnings.empty());
  CHECK_FALSE(f->truncated);

  Server capped;  // asked for 2, the server gives 1 at a time
  capped.pages[base + "page=1&limit=2"] = items({1});
  capped.pages[base + "page=2&limit=2"] = items({2});
  capped.pages[base + "page=3&limit=2"] = items({});
  HttpJsonSource c(notes(Paging::kPage), "", capped.transport());
  auto g = c.fetch(FetchPlan{});
  REQUIRE(g.ok());
  CHECK(g->records.size() == 2);
  REQUIRE(g->warnings.size() == 1);
  CHECK(g->warnings[0].find("caps the page size") != std::string::npos);
}

TEST_CASE("http-json: offset paging advances by what came back - since and auth are sent") {
  Server s;
  auto cfg = notes(Paging::kOffset);
  cfg.since_param = "updated_since";
  cfg.auth_header = "X-Token";
  cfg.auth_prefix = "";
  cfg.headers["X-Client"] = "memconn";
  const std::string base = "https://n.example.org/api/notes?updated_since=2024-01-01T00%3A00%3A00Z&";
  s.pages[base + "offset=0&limit=2"] = items({1, 2});
  s.pages[base + "offset=2&limit=2"] = items({});
  HttpJsonSource src(cfg, "secret", s.transport());
  FetchPlan plan;
  plan.since = parse_iso8601("2024-01-01T00:00:00Z");
  auto f = src.fetch(plan);
  REQUIRE(f.ok());
  CHECK(f->records.size() == 2);
  const auto& h = s.seen[0].headers;
  CHECK(std::find(h.begin(), h.end(), "X-Token: secret") != h.end());
  CHECK(std::find(h.begin(), h.end(), "X-Client: memconn") != h.end());
}

TEST_CASE("http-json: cursor paging follows next_cursor until it is empty, and a repeated cursor stops it") {
  Server s;
  auto cfg = notes(Paging::kCursor);
  cfg.cursor_field = "meta.next";
  const std::string base = "https://n.example.org/api/notes";
  s.pages[base] = items({1}, R"(,"meta":{"next":"c2"})");
  s.pages[base + "?cursor=c2"] = items({2}, R"(,"meta":{"next":"c3"})");
  s.pages[base + "?cursor=c3"] = items({3}, R"(,"meta":{"next":null})");
  HttpJsonSource src(cfg, "", s.transport());
  auto f = src.fetch(FetchPlan{});
  REQUIRE(f.ok());
  CHECK(f->records.size() == 3);
  CHECK(f->warnings.empty());

  Server loop;
  loop.pages[base] = items({1}, R"(,"meta":{"next":"c2"})");
  loop.pages[base + "?cursor=c2"] = items({2}, R"(,"meta":{"next":"c2"})");
  HttpJsonSource looping(cfg, "", loop.transport());
  auto g = looping.fetch(FetchPlan{});
  REQUIRE(g.ok());
  CHECK(loop.seen.size() == 2);
  REQUIRE(g->warnings.size() == 1);
  CHECK(g->warnings[0].find("twice") != std::string::npos);
  CHECK(g->truncated);
}

TEST_CASE("http-json: a server that never ends paging hits the page cap with a warning") {
  int calls = 0;
  HttpJsonSource src(notes(Paging::kPage), "", [&](const HttpRequest&) {
    ++calls;
    return ok(items({2 * calls, 2 * calls + 1}));
  }, 5);
  auto f = src.fetch(FetchPlan{});
  REQUIRE(f.ok());
  CHECK(calls == 5);
  REQUIRE(f->warnings.size() == 1);
  CHECK(f->warnings[0] == "source notes: stopped after 5 pages (safety cap); items beyond them were not fetched this run");
  CHECK(f->truncated);

  HttpJsonSource ignoring(notes(Paging::kPage), "", [&](const HttpRequest&) { return ok(items({1, 2})); });
  auto g = ignoring.fetch(FetchPlan{});
  REQUIRE(g.ok());
  CHECK(g->truncated);
  CHECK(g->warnings.back().find("repeated items") != std::string::npos);
}

TEST_CASE("http-json: HTTP failures keep the documented exit codes") {
  HttpJsonSource src(notes(Paging::kNone), "k", [](const HttpRequest&) {
    HttpResponse r;
    r.transport_ok = true;
    r.status = 403;
    r.body = R"({"detail":"forbidden"})";
    return r;
  });
  auto f = src.fetch(FetchPlan{});
  REQUIRE_FALSE(f.ok());
  CHECK(f.error().exit_code == exit_code::kAuth);
}

TEST_CASE("http-json: max_records counts every page, and a fetch over it fails without records") {
  Server s;
  const std::string base = "https://n.example.org/api/notes?";
  s.pages[base + "page=1&limit=2"] = items({1, 2});
  s.pages[base + "page=2&limit=2"] = items({3, 4});
  s.pages[base + "page=3&limit=2"] = items({});
  auto cfg = notes(Paging::kPage);
  cfg.max_records = 4;
  HttpJsonSource fits(cfg, "", s.transport());
  REQUIRE(fits.fetch(FetchPlan{}).ok());  // exactly the cap is fine
  cfg.max_records = 3;
  HttpJsonSource over(cfg, "", s.transport());
  auto f = over.fetch(FetchPlan{});
  REQUIRE_FALSE(f.ok());
  CHECK(f.error().exit_code == exit_code::kPartial);
  CHECK(f.error().message.find("source notes: more than 3 records in one fetch (max_records)") == 0);
}
