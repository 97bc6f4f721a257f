// Issue 2, ingest through the real binary against the Hindsight stand-in: input formats,
// batching, retries and faults, dead letters, async operations, dry run and the report.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <regex>
#include <set>

#include "harness.h"

using e2e::JsonDoc;
using e2e::RunResult;
using e2e::SeenRequest;
using e2e::Standin;
using e2e::StoredDoc;
using e2e::TempDir;

using e2e::args;
using e2e::hindsight_args;

namespace {

std::string str(const JsonDoc& d, const std::string& pointer) {
  std::string_view s;
  if (d.root().at_pointer(pointer).get_string().get(s)) return "<missing " + pointer + ">";
  return std::string(s);
}

std::vector<std::string> strings(simdjson::dom::element arr) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (arr.get_array().get(a)) return out;
  for (auto e : a) {
    std::string_view s;
    if (!e.get_string().get(s)) out.emplace_back(s);
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// POST .../memories requests the stand-in recorded (retain), in arrival order.
std::vector<SeenRequest> retains(Standin& s) {
  auto all = s.requests();
  std::erase_if(all, [](const SeenRequest& r) { return r.method != "POST" || !r.path.ends_with("/memories"); });
  return all;
}

// document_ids of the items of one retain body, in order.
std::vector<std::string> body_ids(const std::string& body) {
  JsonDoc d(body);
  std::vector<std::string> ids;
  for (auto item : d.root()["items"].get_array()) ids.emplace_back(item["document_id"].get_string().value());
  return ids;
}

std::map<std::string, StoredDoc> by_content(const std::vector<StoredDoc>& docs) {
  std::map<std::string, StoredDoc> m;
  for (const auto& d : docs) m[d.content] = d;
  return m;
}

std::string version() {
  RunResult v = e2e::run_memconn({"--version"});
  REQUIRE(v.exit_code == 0);
  // "memconn 0.1.0 (commit abc)": the version is the second word.
  REQUIRE(v.out.starts_with("memconn "));
  std::string s = v.out.substr(8);
  return s.substr(0, s.find_first_of(" \n"));
}

// Content-hash ids cover context and tags (docs/ingest.md, Document ids), computed outside
// memconn: sha256(content + "\0context=" + context + "\0tag=" + each tag, sorted).
const std::string kHelloSha = "e75f605bbee52db9b2ac9f82b90e382e8d4da6993eebd6cd80c7b74e5e5e6465";  // --tags a,b --context "imported notes"
const std::string kWorldSha = "62bd6d1b81922d3bec65c96bfc931369670b355034b0d755a25c8fa004dcb610";
const std::string kGammaSha = "dd376ddd6d2e34f5999a771c9a7ecc999a56783947d014c703a49bea80efb433";  // --tags run --context "run ctx"

}  // namespace

TEST_CASE("ingest: lines format - blanks skipped, CR and BOM stripped, SHA-256 ids, duplicates, tags, context, origin") {
  Standin s;
  TempDir t;
  std::string path = t.write("notes.txt", "\xEF\xBB\xBFhello\r\n\n   \r\nworld\r\nhello\nlast line without newline");
  RunResult r = e2e::run_memconn(
      // --finished: the file is complete, so its last line counts without a newline.
      args(hindsight_args(s), {"--json", "ingest", path, "--finished", "--tags", "a,b", "--context", "imported notes"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  JsonDoc rep(r.out);
  CHECK(num(rep, "/items_read") == 4);
  CHECK(num(rep, "/sent") == 3);
  CHECK(num(rep, "/duplicates") == 1);
  CHECK(num(rep, "/failed") == 0);

  auto docs = s.documents();
  REQUIRE(docs.size() == 3);
  auto m = by_content(docs);
  REQUIRE(m.count("hello") == 1);
  REQUIRE(m.count("world") == 1);
  REQUIRE(m.count("last line without newline") == 1);
  CHECK(m["hello"].document_id == kHelloSha);
  CHECK(m["world"].document_id == kWorldSha);
  CHECK(m["hello"].metadata["line"] == "1");
  CHECK(m["world"].metadata["line"] == "4");
  CHECK(m["last line without newline"].metadata["line"] == "6");
  for (const auto& d : docs) {
    // The id covers the tags and context too, so it is not the stand-in's SHA-256 of the text.
    CHECK(d.document_id != d.content_hash);
    CHECK(d.times_received == 1);
    CHECK(d.tags == std::vector<std::string>{"a", "b"});
    CHECK(d.context == std::optional<std::string>("imported notes"));
    CHECK(d.metadata["source"] == path);
    CHECK(d.metadata.size() == 2);
  }

  auto reqs = retains(s);
  REQUIRE(reqs.size() == 1);
  CHECK(body_ids(reqs[0].body).size() == 3);  // the duplicate "hello" was sent once
  CHECK(reqs[0].headers["user-agent"] == "memconn/" + version());
  CHECK_FALSE(reqs[0].has_header("expect"));
  CHECK(reqs[0].headers["content-type"] == "application/json");
}

TEST_CASE("ingest: directories are walked recursively in sorted order and --glob filters file names") {
  Standin s;
  TempDir t;
  // Written in reverse so that creation order is not the sorted order.
  for (const char* name : {"docs/sub/z.txt", "docs/sub/m.txt", "docs/c.md", "docs/b/2.txt", "docs/b/1.txt", "docs/a.txt"})
    t.write(name, std::string("content of ") + name + "\n");
  std::string dir = t.file("docs");

  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"ingest", dir, "--glob", "*.txt", "-b", "100", "-w", "1"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto reqs = retains(s);
  REQUIRE(reqs.size() == 1);
  JsonDoc body(reqs[0].body);
  std::vector<std::string> sources;
  for (auto item : body.root()["items"].get_array())
    sources.emplace_back(item["metadata"]["source"].get_string().value());
  CHECK(sources == std::vector<std::string>{dir + "/a.txt", dir + "/b/1.txt", dir + "/b/2.txt", dir + "/sub/m.txt",
                                            dir + "/sub/z.txt"});

  s.reset();
  r = e2e::run_memconn(args(hindsight_args(s), {"ingest", dir}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(s.documents().size() == 6);  // without --glob the .md file is read too
}

TEST_CASE("ingest: stdin via - (source stdin), also as JSONL with --format jsonl") {
  Standin s;
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"ingest", "-"}), {.stdin_data = "from stdin one\n\nfrom stdin two\n"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto m = by_content(s.documents());
  REQUIRE(m.size() == 2);
  CHECK(m["from stdin one"].metadata["source"] == "stdin");
  CHECK(m["from stdin one"].metadata["line"] == "1");
  CHECK(m["from stdin two"].metadata["line"] == "3");

  s.reset();
  r = e2e::run_memconn(args(hindsight_args(s), {"ingest", "-", "--format", "jsonl"}),
                       {.stdin_data = "{\"text\":\"json from stdin\",\"id\":\"s-1\"}\n"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto docs = s.documents();
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].content == "json from stdin");
  CHECK(docs[0].document_id == "s-1");
  CHECK(docs[0].metadata["source"] == "stdin");
}

TEST_CASE("ingest: JSONL fields map onto the memory item - .jsonl and .ndjson are detected automatically") {
  Standin s;
  TempDir t;
  std::string jsonl = t.write(
      "chat.jsonl",
      "{\"content\":\"alpha\",\"context\":\"c1\",\"timestamp\":\"2024-03-05T10:00:00Z\",\"tags\":[\"t1\"],"
      "\"metadata\":{\"who\":\"ann\",\"n\":3},\"document_id\":\"doc-1\",\"role\":\"ignored\"}\n"
      "{\"text\":\"beta\",\"id\":7}\n"
      "{\"text\":\"gamma\"}\n"
      "{\"content\":\"delta\",\"text\":\"not this\",\"document_id\":\"d4\",\"id\":\"not this\"}\n");
  std::string ndjson = t.write("more.ndjson", "{\"text\":\"epsilon\"}\n");
  std::string txt = t.write("plain.txt", "{\"text\":\"a line that only looks like JSON\"}\n");
  RunResult r = e2e::run_memconn(
      args(hindsight_args(s), {"ingest", jsonl, ndjson, txt, "--tags", "run", "--context", "run ctx"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);

  auto m = by_content(s.documents());
  REQUIRE(m.size() == 6);
  const StoredDoc& a = m["alpha"];
  CHECK(a.document_id == "doc-1");
  CHECK(a.context == std::optional<std::string>("c1"));
  CHECK(a.timestamp == std::optional<std::string>("2024-03-05T10:00:00Z"));
  CHECK(a.tags == std::vector<std::string>{"t1", "run"});
  CHECK(a.metadata == std::map<std::string, std::string>{{"who", "ann"}, {"n", "3"}, {"source", jsonl}, {"line", "1"}});
  CHECK(m["beta"].document_id == "7");
  CHECK(m["beta"].context == std::optional<std::string>("run ctx"));
  CHECK(m["beta"].tags == std::vector<std::string>{"run"});
  CHECK_FALSE(m["beta"].timestamp.has_value());
  CHECK(m["gamma"].document_id == kGammaSha);
  CHECK(m["gamma"].metadata["line"] == "3");
  CHECK(m["delta"].document_id == "d4");
  CHECK(m.count("not this") == 0);
  CHECK(m["epsilon"].metadata["source"] == ndjson);
  CHECK(m.count("{\"text\":\"a line that only looks like JSON\"}") == 1);  // .txt is read as lines
}

TEST_CASE("ingest: --batch-size and --workers are honoured") {
  Standin s({"--latency-ms", "40"});
  TempDir t;
  std::string path = e2e::write_lines(t.file("in.txt"), 100);

  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", path, "--batch-size", "7", "--workers", "3"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto st = s.stats();
  CHECK(st.retain_requests() == 15);  // ceil(100 / 7)
  CHECK(st.max_concurrent() == 3);
  CHECK(st.documents() == 100);
  CHECK(num(JsonDoc(r.out), "/batches") == 15);
  std::multiset<size_t> sizes;
  for (const auto& req : retains(s)) sizes.insert(body_ids(req.body).size());
  CHECK(sizes.count(7) == 14);
  CHECK(sizes.count(2) == 1);

  s.reset();
  r = e2e::run_memconn(args(hindsight_args(s), {"ingest", path, "--batch-size", "25", "--workers", "1"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  st = s.stats();
  CHECK(st.retain_requests() == 4);
  CHECK(st.max_concurrent() == 1);
}

TEST_CASE("ingest: --max-batch-bytes bounds every request body - a bigger item travels alone") {
  Standin s;
  TempDir t;
  std::string text;
  size_t n = 0;
  for (; n < 150; ++n) text += std::string(20 + (n * 37) % 280, 'x') + " " + std::to_string(n) + "\n";
  text += std::string(3000, 'y') + "\n";
  ++n;
  std::string path = t.write("sizes.txt", text);
  const size_t limit = 1024;

  for (bool async : {false, true}) {
    CAPTURE(async);
    s.reset();
    auto a = args(hindsight_args(s), {"ingest", path, "-b", "1000", "--max-batch-bytes", std::to_string(limit)});
    if (async) a.push_back("--async");
    RunResult r = e2e::run_memconn(a);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto reqs = retains(s);
    CHECK(reqs.size() > 20);
    size_t items = 0;
    for (const auto& req : reqs) {
      size_t k = body_ids(req.body).size();
      items += k;
      if (k > 1) CHECK_MESSAGE(req.body.size() <= limit, req.body.size() << " bytes: " << req.body.substr(0, 80));
      if (req.body.find("yyyy") != std::string::npos) CHECK(k == 1);
    }
    CHECK(items == n);
    CHECK(s.stats().unique_document_ids() == static_cast<long long>(n));
  }
}

TEST_CASE("ingest: async requests never carry one document_id twice, items sharing an id form one document") {
  Standin s({"--op-ms", "20"});
  TempDir t;
  std::string text;
  std::map<std::string, std::string> expected;
  for (int i = 0; i < 40; ++i) {
    std::string id = "k" + std::to_string(i % 3), v = "version " + std::to_string(i);
    text += "{\"id\":\"" + id + "\",\"text\":\"" + v + "\"}\n";
    expected[id] += (expected[id].empty() ? "" : "\n") + v;
  }
  std::string path = t.write("ids.jsonl", text);
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", path, "--async", "--wait", "-b", "10", "-w", "2"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(num(JsonDoc(r.out), "/sent") == 40);
  CHECK(num(JsonDoc(r.out), "/documents") == 3);
  auto reqs = retains(s);
  for (const auto& req : reqs) {
    auto ids = body_ids(req.body);
    CHECK_MESSAGE(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size(), req.body);
  }
  std::map<std::string, std::string> stored;
  for (const auto& d : s.documents()) stored[d.document_id] = d.content;
  CHECK(stored == expected);
  auto st = s.stats();
  CHECK(st["responses.400"] == 0);
  CHECK(st["faults.422"] == 0);
  CHECK(st.retain_requests() == static_cast<long long>(reqs.size()));
}

TEST_CASE("ingest: 503 and 429 with Retry-After are retried - exact retry counts") {
  TempDir t;
  std::string path = e2e::write_lines(t.file("in.txt"), 60);
  SUBCASE("503") {
    // One worker: requests 3, 6, ... fail; 12 batches need 17 requests, 5 of them retries.
    Standin s({"--fail-every", "3", "--retry-after", "0"});
    RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", path, "-b", "5", "-w", "1"}));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    JsonDoc rep(r.out);
    CHECK(num(rep, "/retries") == 5);
    CHECK(num(rep, "/requests") == 17);
    CHECK(num(rep, "/batches") == 12);
    CHECK(num(rep, "/sent") == 60);
    auto st = s.stats();
    CHECK(st["faults.503"] == 5);
    CHECK(st.requests() == 17);
    CHECK(st.documents() == 60);
  }
  SUBCASE("429") {
    Standin s({"--throttle-every", "4", "--retry-after", "0"});
    RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", path, "-b", "5", "-w", "1"}));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    JsonDoc rep(r.out);
    CHECK(num(rep, "/retries") == 3);
    CHECK(num(rep, "/requests") == 15);
    CHECK(s.stats()["faults.429"] == 3);
    CHECK(s.stats().documents() == 60);
  }
}

TEST_CASE("ingest: the server's Retry-After is waited for") {
  Standin s({"--fail-every", "2", "--retry-after", "1"});
  TempDir t;
  std::string path = e2e::write_lines(t.file("in.txt"), 2);
  // Batch 1 lands, batch 2 gets 503 + Retry-After: 1 and must wait a second before landing.
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", path, "-b", "1", "-w", "1"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  JsonDoc rep(r.out);
  CHECK(num(rep, "/retries") == 1);
  double elapsed = rep.root()["elapsed_s"].get_double().value();
  CHECK(elapsed >= 0.95);
  CHECK(elapsed < 5);
  CHECK(s.stats().documents() == 2);
}

TEST_CASE("ingest: lost acks (dropped connections) are re-sent and stored once") {
  // One worker: requests 3, 6, 9, 12 are stored but their answers are lost.
  Standin s({"--drop-every", "3"});
  TempDir t;
  std::string path = e2e::write_lines(t.file("in.txt"), 30);
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", path, "-b", "3", "-w", "1"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  JsonDoc rep(r.out);
  CHECK(num(rep, "/sent") == 30);
  CHECK(num(rep, "/batches") == 10);
  CHECK(num(rep, "/retries") == 4);
  CHECK(num(rep, "/requests") == 14);
  auto st = s.stats();
  CHECK(st.requests() == 14);
  CHECK(st["faults.dropped"] == 4);
  CHECK(st.resent_items() == 12);
  CHECK(st.items_received() == 42);
  CHECK(st.unique_document_ids() == 30);
  CHECK(st.documents() == 30);
  int twice = 0;
  for (const auto& d : s.documents()) twice += d.times_received == 2;
  CHECK(twice == 12);
}

TEST_CASE("ingest: every item lands exactly once by document_id with 5 % 503 + dropped connections") {
  Standin s({"--fail-rate", "0.05", "--drop-rate", "0.02", "--retry-after", "0", "--seed", "4242"});
  TempDir t;
  const long long n = 2500;
  std::string path = e2e::write_lines(t.file("big.txt"), static_cast<size_t>(n), "a distinct line number ");
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", path, "-b", "10", "-w", "4"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  JsonDoc rep(r.out);
  auto st = s.stats();
  CHECK(st.unique_document_ids() == n);
  CHECK(st.documents() == n);
  CHECK(st.items_received() == n + st.resent_items());
  CHECK(st["faults.503"] > 0);
  CHECK(st["faults.dropped"] > 0);
  // Each injected fault costs exactly one retry; nothing else may fail.
  CHECK(num(rep, "/retries") == st["faults.503"] + st["faults.dropped"]);
  CHECK(num(rep, "/requests") == st.requests());
  CHECK(num(rep, "/requests") == num(rep, "/batches") + num(rep, "/retries"));
  CHECK(num(rep, "/sent") == n);
  CHECK(num(rep, "/failed") == 0);
  CHECK(st.max_concurrent() <= 4);
  std::set<std::string> contents;
  for (const auto& d : s.documents()) {
    contents.insert(d.content);
    CHECK(d.document_id == d.content_hash);
  }
  CHECK(contents.size() == static_cast<size_t>(n));
  CHECK(contents.count("a distinct line number 0") == 1);
  CHECK(contents.count("a distinct line number " + std::to_string(n - 1)) == 1);
}

TEST_CASE("ingest: items the server refuses go to the dead-letter file, the rest lands (exit 1)") {
  Standin s({"--reject-marker", "POISON"});
  TempDir t;
  std::string text;
  const std::set<int> poison{5, 17, 33};
  for (int i = 1; i <= 40; ++i) text += (poison.count(i) ? "POISON pill " : "good line ") + std::to_string(i) + "\n";
  std::string path = t.write("in.txt", text);
  std::string xdg = t.file("xdg");
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", path, "-b", "8"}),
                                 {.env = {{"XDG_STATE_HOME", xdg}}});  // the default state lives there
  CHECK(r.exit_code == 1);
  JsonDoc rep(r.out);
  CHECK(num(rep, "/failed") == 3);
  CHECK(num(rep, "/sent") == 37);
  std::string dlq = xdg + "/memconn/dead-letter.jsonl";
  CHECK(str(rep, "/dead_letter") == dlq);
  CHECK(s.stats().documents() == 37);
  for (const auto& d : s.documents()) CHECK(d.content.find("POISON") == std::string::npos);

  struct stat sb {};
  REQUIRE(::stat(dlq.c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0600);
  auto entries = lines_of(e2e::read_file(dlq));
  REQUIRE(entries.size() == 3);
  std::set<int> lines;
  for (const auto& e : entries) {
    JsonDoc d(e);
    CHECK(str(d, "/source") == path);
    lines.insert(static_cast<int>(num(d, "/line")));
    CHECK(str(d, "/item/content").starts_with("POISON pill "));
    CHECK(str(d, "/document_id") == str(d, "/item/document_id"));
    CHECK(num(d, "/http_status") == 422);
    CHECK(str(d, "/error").find("rejected by stand-in marker") != std::string::npos);
    CHECK(num(d, "/attempts") == 1);
    CHECK(std::regex_match(str(d, "/time"), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  }
  CHECK(lines == poison);

  // The human summary names the file; an explicit --dead-letter path is honoured.
  s.reset();
  std::string explicit_dlq = t.file("dead/letters.jsonl");
  r = e2e::run_memconn(args(hindsight_args(s), {"ingest", path, "--dead-letter", explicit_dlq}));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(explicit_dlq) != std::string::npos);
  CHECK(e2e::count_lines(explicit_dlq) == 3);
}

TEST_CASE("ingest: --async sends async:true with a fresh UUID operation_id per request") {
  Standin s;
  TempDir t;
  std::string path = e2e::write_lines(t.file("in.txt"), 25);
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", path, "--async", "-b", "10"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> sent_ops;
  auto reqs = retains(s);
  REQUIRE(reqs.size() == 3);
  for (const auto& req : reqs) {
    JsonDoc b(req.body);
    CHECK(b.root()["async"].get_bool().value() == true);
    std::string op = str(b, "/operation_id");
    CHECK_MESSAGE(std::regex_match(op, uuid), op);
    sent_ops.insert(op);
  }
  CHECK(sent_ops.size() == 3);
  JsonDoc rep(r.out);
  auto reported = strings(rep.root()["operation_ids"]);
  CHECK(std::set<std::string>(reported.begin(), reported.end()) == sent_ops);
  CHECK(reported.size() == 3);
  CHECK(num(rep, "/operations/total") == 0);  // not followed without --wait
}

TEST_CASE("ingest: --async --wait follows every operation to completion") {
  Standin s({"--op-ms", "150"});
  TempDir t;
  std::string path = e2e::write_lines(t.file("in.txt"), 30);
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", path, "--async", "--wait", "-b", "10"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  JsonDoc rep(r.out);
  CHECK(num(rep, "/operations/total") == 3);
  CHECK(num(rep, "/operations/completed") == 3);
  CHECK(num(rep, "/operations/failed") == 0);
  // Every operation was done by the time memconn returned.
  auto st = s.stats();
  CHECK(st["pending_operations"] == 0);
  CHECK(st.documents() == 30);
  int polls = 0;
  for (const auto& req : s.requests()) polls += req.method == "GET" && req.path.find("/operations/") != std::string::npos;
  CHECK(polls >= 3);
}

TEST_CASE("ingest: --async --wait reports a failed operation with its source (exit 1)") {
  Standin s({"--op-ms", "100", "--fail-op-marker", "BOOM"});
  TempDir t;
  std::string good = t.write("good.txt", "fine one\nfine two\n");
  std::string bad = t.write("bad.txt", "fine three\nthis goes BOOM\n");
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", good, bad, "--async", "--wait", "-b", "2", "-w", "1"}));
  CHECK(r.exit_code == 1);
  JsonDoc rep(r.out);
  CHECK(num(rep, "/operations/total") == 2);
  CHECK(num(rep, "/operations/completed") == 1);
  CHECK(num(rep, "/operations/failed") == 1);
  auto failures = strings(rep.root()["operations"]["failures"]);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].find(bad) != std::string::npos);
  CHECK(failures[0].find(good) == std::string::npos);
  CHECK(failures[0].find("failed") != std::string::npos);
  CHECK(r.err.find(failures[0]) != std::string::npos);
}

TEST_CASE("ingest: --dry-run prints the exact request bodies and sends nothing") {
  Standin s;
  TempDir t;
  std::string path = t.write("in.txt", "one\ntwo\nthree\none\nfour\n\nfive\nsix\nseven\neight\n");
  RunResult dry = e2e::run_memconn(args(hindsight_args(s), {"ingest", path, "--dry-run", "-b", "3", "--tags", "x"}));
  REQUIRE_MESSAGE(dry.exit_code == 0, dry.err);
  CHECK(s.stats().requests() == 0);
  auto printed = lines_of(dry.out);
  REQUIRE(printed.size() == 3);  // 8 distinct lines in batches of 3
  for (const auto& line : printed) JsonDoc check(line);
  CHECK(dry.err.find("8 items would be sent") != std::string::npos);

  RunResult real = e2e::run_memconn(args(hindsight_args(s), {"ingest", path, "-b", "3", "--tags", "x", "-w", "1"}));
  REQUIRE_MESSAGE(real.exit_code == 0, real.err);
  std::vector<std::string> sent;
  for (const auto& req : retains(s)) sent.push_back(req.body);
  CHECK(sent == printed);
}

TEST_CASE("ingest: --json prints one JSON report on stdout - the summary goes to stderr - -q silences it") {
  Standin s;
  TempDir t;
  std::string path = t.write("in.txt", "a\nb\nc\na\n");

  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", path}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  REQUIRE(r.out.ends_with("\n"));
  CHECK(r.out.find('\n') == r.out.size() - 1);  // exactly one line: one document
  JsonDoc rep(r.out);
  CHECK(num(rep, "/items_read") == 4);
  CHECK(num(rep, "/sent") == 3);
  CHECK(num(rep, "/duplicates") == 1);
  CHECK(num(rep, "/failed") == 0);
  CHECK(num(rep, "/retries") == 0);
  CHECK(num(rep, "/batches") == 1);
  CHECK(rep.root()["elapsed_s"].is_number());
  CHECK(rep.root()["items_per_s"].is_number());
  CHECK(rep.root()["dead_letter"].is_null());
  CHECK(rep.root()["operation_ids"].is_array());
  CHECK(r.err.find("ingest ok: 3 sent, 1 duplicate, 0 failed, 0 retries") != std::string::npos);

  s.reset();
  r = e2e::run_memconn(args(hindsight_args(s), {"--json", "-q", "ingest", path}));
  REQUIRE(r.exit_code == 0);
  JsonDoc quiet(r.out);
  CHECK(num(quiet, "/sent") == 3);
  CHECK(r.err.empty());

  r = e2e::run_memconn(args(hindsight_args(s), {"ingest", path}));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err.find("ingest ok:") != std::string::npos);

  r = e2e::run_memconn(args(hindsight_args(s), {"-q", "ingest", path}));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
}

TEST_CASE("ingest: usage errors exit 2 before anything is sent") {
  Standin s;
  TempDir t;
  std::string path = t.write("in.txt", "x\n");
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--wait"}, {"--batch-size", "0"}, {"--workers", "0"}, {"--max-batch-bytes", "100"},
           {"--format", "csv"}, {"--no-such-flag"}, {"--timeout", "soon"}}) {
    CAPTURE(extra[0]);
    RunResult r = e2e::run_memconn(args(args(hindsight_args(s), {"ingest", path}), extra));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  CHECK(s.stats().requests() == 0);
}
