// Issue 4 end to end: connectors pull the Memory API stand-in into the LightRAG or Hindsight
// stand-in through the real binary — incremental runs, crashes, duplicates, schedules,
// --watch, status/list, and the documented exit codes.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include <doctest/doctest.h>

#include "connector_world.h"
#include "harness.h"

using namespace e2e;
using namespace std::chrono_literals;

namespace {

// The Memory API stand-in read as a generic http-json source "generic" by connector "gen";
// url_extra is appended to the source URL's query, keys to the source's table.
std::string http_json_source(const std::string& url_extra = "", const std::string& keys = "") {
  return "[sources.generic]\nkind = \"http-json\"\nurl = \"__MEM__/memory/ctx1?range=all&limit=100" + url_extra +
         "\"\napi_key = \"mk\"\nauth_header = \"X-API-KEY\"\nauth_prefix = \"\"\nitems_path = \"memories\"\n"
         "text_field = \"transcript\"\ntime_field = \"created_at\"\n" + keys +
         "[connectors.gen]\nsource = \"generic\"\ntarget = \"rag\"\nschedule = \"@daily\"\n";
}

// The only run of a `sync`/`trigger --json` report, checked for shape.
struct Report {
  JsonDoc doc;
  explicit Report(const RunResult& r) : doc(r.out) {}
  size_t runs() const { return doc.root()["runs"].get_array().value().size(); }
  uint64_t count(const char* field, size_t i = 0) const {
    return doc.root()["runs"].at(i)[field].get_uint64().value();
  }
  std::string str(const char* field, size_t i = 0) const {
    return std::string(doc.root()["runs"].at(i)[field].get_string().value());
  }
  std::vector<std::string> connectors() const {
    std::vector<std::string> out;
    for (auto r : doc.root()["runs"].get_array()) out.emplace_back(r["connector"].get_string().value());
    return out;
  }
};

long long lightrag_documents(Standin& rag) { return rag.stats()["documents"]; }

}  // namespace

TEST_CASE("connectors: incremental sync sends 1,000 memories, then exactly the 200 added since") {
  World w({"--generate", "ctx1:1000"});
  size_t expected = w.non_empty();
  REQUIRE(expected > 700);
  auto first = w.run({"sync", "--json"});
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  Report r1(first);
  CHECK(r1.count("fetched") == 1000);
  CHECK(r1.count("sent") == expected);
  CHECK(r1.count("skipped_empty") == 1000 - expected);
  CHECK(lightrag_documents(w.target) == static_cast<long long>(expected));
  CHECK(first.err.find("full response") == std::string::npos);

  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i) texts.push_back("added after the first sync, note " + std::to_string(i));
  w.memories.post("/_standin/memories", memories_body("late", texts));
  auto second = w.run({"trigger", "p2r", "--json"});
  REQUIRE_MESSAGE(second.exit_code == 0, second.err);
  Report r2(second);
  CHECK(r2.count("sent") == 200);
  CHECK(r2.count("new") == 200);
  CHECK(r2.count("already_present") == 0);
  CHECK(r2.str("fetch").starts_with("range=day"));  // the smallest range covering the gap
  CHECK(lightrag_documents(w.target) == static_cast<long long>(expected + 200));
  CHECK(w.target.stats()["duplicated"] == 0);  // nothing was sent twice
}

TEST_CASE("connectors: kill -9 during a sync, then a re-run stores every memory exactly once") {
  World w({"--generate", "ctx1:1000"}, "lightrag", {"--latency-ms", "5"});
  size_t expected = w.non_empty();
  auto env = std::map<std::string, std::string>{{"MEMORY_API_KEY", "mk"}};
  pid_t pid = spawn_memconn({"--config", w.config, "sync", "--workers", "2", "--batch-size", "5"}, RunOptions{.env = env},
                            w.dir.file("out"), w.dir.file("err"));
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (lightrag_documents(w.target) < 200 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  REQUIRE(lightrag_documents(w.target) >= 200);
  kill(pid, SIGKILL);
  CHECK(wait_exit(pid, 10) == 128 + SIGKILL);
  std::this_thread::sleep_for(50ms);  // a request the server had already read may still land
  long long before = lightrag_documents(w.target);
  REQUIRE(before < static_cast<long long>(expected));  // really mid-run

  auto status = w.run({"status", "--json"});
  JsonDoc st(status.out);
  CHECK(st.root()["connectors"].at(0)["died"].get_bool().value());

  w.target.config(R"({"latency_ms":0})");
  auto again = w.run({"sync", "--json"});  // a killed run recorded nothing: still due
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  Report r(again);
  REQUIRE(r.runs() == 1);
  std::set<std::string> stored;
  for (const auto& d : w.target.documents()) {
    CHECK_MESSAGE(d.times_received == 1, d.file_source);
    stored.insert(d.file_source);
  }
  CHECK(stored.size() == expected);
  for (const auto& [id, text] : w.source_memories())
    if (!text.empty()) CHECK_MESSAGE(stored.count("memory_ctx1_" + id + ".txt"), id);
  // Nothing lost: the re-run stored exactly what was missing; whatever it re-sent (in
  // flight or acknowledged after the last checkpoint) LightRAG reported as already present.
  CHECK(r.count("sent") == expected - static_cast<size_t>(before));
  CHECK(r.count("sent") + r.count("already_present") == r.count("new"));
  CHECK(r.count("failed") == 0);
}

TEST_CASE("connectors: a full response is a loud warning") {
  World w({"--generate", "ctx1:30"}, "lightrag", {}, "", "");
  std::string cfg = read_file(w.config);
  cfg.replace(cfg.find("limit = 5000"), 12, "limit = 10");
  w.dir.write("memconn.toml", cfg);
  auto r = w.run({"sync"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("warning: connector p2r: source pendant: the Memory API returned a full response (10 memories for "
                   "limit=10, range=all): memories may have been missed") != std::string::npos);
  auto status = w.run({"status"});
  CHECK(status.out.find("  warning:      source pendant: the Memory API returned a full response") != std::string::npos);
}

TEST_CASE("connectors: empty transcripts are skipped and counted once across two runs") {
  World w({});
  w.memories.post("/_standin/memories", memories_body("m", {"first note", "", "second note", "", "", "third note"}));
  auto first = w.run({"sync", "--json"});
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  CHECK(Report(first).count("skipped_empty") == 3);
  CHECK(Report(first).count("sent") == 3);
  auto second = w.run({"trigger", "p2r", "--json"});
  REQUIRE_MESSAGE(second.exit_code == 0, second.err);
  Report r2(second);
  CHECK(r2.count("skipped_empty") == 0);
  CHECK(r2.count("known_empty") == 3);  // seen again inside the overlap window, not re-counted
  CHECK(r2.count("failed") == 0);
  CHECK_FALSE(file_exists(w.dir.file("dead-letter.jsonl")));
  JsonDoc st(w.run({"status", "--json"}).out);
  CHECK(st.root()["connectors"].at(0)["totals"]["skipped_empty"].get_uint64().value() == 3);
  CHECK(lightrag_documents(w.target) == 3);
}

TEST_CASE("connectors: a LightRAG batch holding one duplicate falls back to single inserts, nothing lost") {
  World w({"--generate", "ctx1:60"});
  auto mem = w.source_memories();
  // Three memories are in LightRAG already (an earlier tool, or a crashed run).
  std::vector<std::string> pre;
  for (const auto& [id, text] : mem)
    if (!text.empty() && pre.size() < 3) pre.push_back("memory_ctx1_" + id + ".txt");
  auto resp = w.target.http("POST", "/documents/texts",
                            R"({"texts":["pre 1","pre 2","pre 3"],"file_sources":[")" + pre[0] + R"(",")" + pre[1] +
                                R"(",")" + pre[2] + R"("]})");
  REQUIRE(resp.status == 200);
  auto r = w.run({"sync", "--json", "--batch-size", "10"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  Report rep(r);
  size_t expected = w.non_empty();
  CHECK(rep.count("already_present") == 3);
  CHECK(rep.count("sent") == expected - 3);
  CHECK(rep.count("failed") == 0);
  CHECK(lightrag_documents(w.target) == static_cast<long long>(expected));
  CHECK(w.target.stats()["duplicated"] >= 3);  // the rejected batches, then the single items
}

TEST_CASE("connectors: newer LightRAG (409 duplicates, 413 batch cap) loses nothing either") {
  World w({"--generate", "ctx1:40"}, "lightrag", {"--lightrag-version", "new", "--max-texts", "4"});
  size_t expected = w.non_empty();
  auto first = w.run({"sync", "--batch-size", "10", "-v"});
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  CHECK(first.err.find("0270") != std::string::npos);  // /health read once: the newer dialect
  CHECK(lightrag_documents(w.target) == static_cast<long long>(expected));
  auto full = w.run({"trigger", "p2r", "--full", "--json", "--batch-size", "10"});
  REQUIRE_MESSAGE(full.exit_code == 0, full.err);
  CHECK(Report(full).count("already_present") == expected);
  CHECK(lightrag_documents(w.target) == static_cast<long long>(expected));
}

TEST_CASE("connectors: sync runs only what is due - every and cron schedules through an injected clock") {
  World w({"--generate", "ctx1:10"}, "lightrag", {},
          "[connectors.six]\nsource = \"pendant\"\ntarget = \"rag\"\nschedule = \"0 */6 * * *\"\n"
          "[connectors.off]\nsource = \"pendant\"\ntarget = \"rag\"\nschedule = \"@daily\"\nenabled = false\n");
  auto at = [&](const std::string& now) {
    auto r = w.run({"sync", "--json"}, {{"MEMCONN_FAKE_NOW", now}});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return Report(r).connectors();
  };
  using V = std::vector<std::string>;
  CHECK(at("2026-03-01T00:00:00Z") == V{"p2r", "six"});  // never ran: due; disabled never
  CHECK(at("2026-03-01T00:30:00Z") == V{});
  CHECK(at("2026-03-01T01:00:00Z") == V{"p2r"});
  CHECK(at("2026-03-01T05:59:00Z") == V{"p2r"});
  CHECK(at("2026-03-01T06:00:00Z") == V{"six"});  // p2r ran at 05:59, next at 06:59
  auto idle = w.run({"sync"}, {{"MEMCONN_FAKE_NOW", "2026-03-01T06:10:00Z"}});
  CHECK(idle.exit_code == 0);
  CHECK(idle.err.find("nothing is due; next: p2r at 2026-03-01T06:59:00Z") != std::string::npos);
  auto trig = w.run({"trigger", "off", "--json"}, {{"MEMCONN_FAKE_NOW", "2026-03-01T06:10:00Z"}});
  CHECK(trig.exit_code == 0);  // named explicitly: runs although disabled
  CHECK(Report(trig).connectors() == V{"off"});
}

TEST_CASE("connectors: sync --watch runs at two due times with a fast clock and stops cleanly on SIGTERM") {
  World w({"--generate", "ctx1:20"});
  // 1 h of connector time passes in 6 s of real time: fast, yet a first run slowed down by a
  // sanitizer and a busy machine (1.5 s seen) still ends well inside its hour. At 7200x (0.5 s
  // an hour) such a run ended past the next slot and the second run started late.
  auto env = std::map<std::string, std::string>{
      {"MEMORY_API_KEY", "mk"}, {"MEMCONN_FAKE_NOW", "2026-03-01T00:00:00Z"}, {"MEMCONN_FAKE_SPEED", "600"}};
  pid_t pid = spawn_memconn({"--config", w.config, "sync", "--watch"}, RunOptions{.env = env}, w.dir.file("out"),
                            w.dir.file("err"));
  auto runs = [&] {
    JsonDoc st(w.run({"status", "--json"}).out);
    return st.root()["connectors"].at(0)["runs"].get_array().value().size();
  };
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (runs() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  CHECK(runs() >= 2);
  kill(pid, SIGTERM);
  CHECK(wait_exit(pid, 20) == 143);
  JsonDoc st(w.run({"status", "--json"}).out);
  auto c = st.root()["connectors"].at(0);
  CHECK_FALSE(c["running"].get_bool().value());
  CHECK_FALSE(c["died"].get_bool().value());
  auto list = c["runs"].get_array().value();
  CHECK(std::string(list.at(0)["command"].get_string().value()) == "sync --watch");
  CHECK(std::string(list.at(0)["started"].get_string().value()).starts_with("2026-03-01T00:0"));
  std::string second(list.at(1)["started"].get_string().value());
  CHECK(second >= "2026-03-01T01:00:00Z");  // the schedule's next slot, not earlier
  CHECK(second < "2026-03-01T02:00:00Z");
  std::string err = read_file(w.dir.file("err"));
  CHECK(err.find("next: p2r at 2026-03-01T01:0") != std::string::npos);
  CHECK(lightrag_documents(w.target) == static_cast<long long>(w.non_empty()));
}

TEST_CASE("connectors: list and status, for people and as JSON") {
  World w({"--generate", "ctx1:10"});
  auto before = w.run({"list"});
  REQUIRE(before.exit_code == 0);
  CHECK(before.out ==
        "NAME  SOURCE → TARGET  SCHEDULE  ENABLED  NEXT DUE\n"
        "p2r   pendant → rag    every 1h  yes      now\n");
  REQUIRE(w.run({"sync"}, {{"MEMCONN_FAKE_NOW", "2026-03-01T08:00:00Z"}}).exit_code == 0);
  auto list = w.run({"list", "--json"}, {{"MEMCONN_FAKE_NOW", "2026-03-01T08:10:00Z"}});
  JsonDoc l(list.out);
  auto c = l.root()["connectors"].at(0);
  CHECK(std::string(c["next_due"].get_string().value()) == "2026-03-01T09:00:00Z");
  CHECK(std::string(c["source_kind"].get_string().value()) == "memory-api");
  CHECK(c["enabled"].get_bool().value());

  auto human = w.run({"status", "p2r"}, {{"MEMCONN_FAKE_NOW", "2026-03-01T08:10:00Z"}});
  REQUIRE(human.exit_code == 0);
  CHECK(human.out.starts_with("p2r: pendant (memory-api) → rag (lightrag), every 1h\n  running:      no\n"));
  CHECK(human.out.find("  last run:     2026-03-01T08:00:00Z .. ") != std::string::npos);
  CHECK(human.out.find("(sync) ok: 10 fetched, " + std::to_string(w.non_empty()) + " sent") != std::string::npos);
  CHECK(human.out.find("  next due:     2026-03-01T09:00:00Z\n") != std::string::npos);
  CHECK(human.out.find("  dead letters: 0\n") != std::string::npos);
  CHECK(human.err.empty());  // stdout is the data; nothing else was said

  auto js = w.run({"status", "--json"});
  JsonDoc s(js.out);
  auto sc = s.root()["connectors"].at(0);
  CHECK(std::string(sc["last_run"]["result"].get_string().value()) == "ok");
  CHECK(sc["totals"]["sent"].get_uint64().value() == w.non_empty());
  CHECK_FALSE(std::string(sc["cursor"].get_string().value()).empty());

  auto unknown = w.run({"status", "nope"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err == "memconn: error: unknown connector \"nope\" (configured: p2r)\n");
  CHECK(w.run({"trigger", "nope"}).exit_code == 2);
}

TEST_CASE("connectors: config mistakes name file:line and exit 3") {
  World w({});
  auto with = [&](const std::string& extra) {
    w.dir.write("bad.toml", read_file(w.config) + extra);
    return run_memconn({"--config", w.dir.file("bad.toml"), "sync"}, RunOptions{.env = {{"MEMORY_API_KEY", "mk"}}});
  };
  int lines = static_cast<int>(count_lines(w.config));
  auto tmpl = with("[connectors.t]\nsource = \"pendant\"\ntarget = \"rag\"\nschedule = \"@hourly\"\n"
                   "transform = \"template\"\ntemplate = \"{transcript} {when}\"\n");
  CHECK(tmpl.exit_code == 3);
  CHECK(tmpl.err.find(w.dir.file("bad.toml") + ":" + std::to_string(lines + 6) +
                      ": connectors.t.template: unknown placeholder {when}") != std::string::npos);
  auto cron = with("[connectors.c]\nsource = \"pendant\"\ntarget = \"rag\"\nschedule = \"61 * * * *\"\n");
  CHECK(cron.exit_code == 3);
  CHECK(cron.err.find(":" + std::to_string(lines + 4) + ": connectors.c.schedule: bad schedule \"61 * * * *\"") !=
        std::string::npos);
  auto env = run_memconn({"--config", w.config, "sync"});  // MEMORY_API_KEY not set
  CHECK(env.exit_code == 3);
  CHECK(env.err.find("memconn.toml:") != std::string::npos);
  CHECK(env.err.find("environment variable MEMORY_API_KEY is not set") != std::string::npos);
  TempDir empty;
  auto none = run_memconn({"--config", empty.write("c.toml", "[state]\npath = \"s.json\"\n"), "sync"});
  CHECK(none.exit_code == 3);
  CHECK(none.err.find("no connectors configured") != std::string::npos);
  auto list = run_memconn({"--config", empty.file("c.toml"), "list"});  // nothing to show is not an error
  CHECK(list.exit_code == 0);
  CHECK(list.out == "NAME  SOURCE → TARGET  SCHEDULE  ENABLED  NEXT DUE\n");
}

TEST_CASE("connectors: a refused key exits 4, at the source or at the target") {
  World w({"--generate", "ctx1:5"}, "lightrag", {"--api-key", "rk"});
  auto src = w.run({"sync"}, {{"MEMORY_API_KEY", "wrong"}});
  CHECK(src.exit_code == 4);
  CHECK(src.err.find("source pendant: HTTP 401: Invalid API key (check the source's api_key)") != std::string::npos);
  auto tgt = w.run({"trigger", "p2r"});  // the target wants X-API-Key: rk, the config sends none
  CHECK(tgt.exit_code == 4);
  CHECK(tgt.err.find("403") != std::string::npos);
  CHECK(lightrag_documents(w.target) == 0);
  JsonDoc st(w.run({"status", "--json"}).out);
  CHECK(std::string(st.root()["connectors"].at(0)["last_run"]["result"].get_string().value()) == "auth");
}

TEST_CASE("connectors: a Hindsight target gets retains with document ids, tags and metadata - recall goes there too") {
  World w({}, "hindsight");
  w.memories.post("/_standin/memories",
                  R"({"context":"ctx1","memories":[{"id":"abc123XYZ","type":"memory","audio":true,"image":false,)"
                  R"("transcript":"Met Anna at the cafe about the roadmap","location_lat":48.1351,"location_lon":11.582,)"
                  R"("created_at":"2024-01-19T07:28:08Z"}]})");
  auto r = w.run({"trigger", "p2r", "--json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto docs = w.target.documents();
  REQUIRE(docs.size() == 1);
  const auto& d = docs[0];
  CHECK(d.bank == "team");
  CHECK(d.document_id == "memory_ctx1_abc123XYZ");
  CHECK(d.content.starts_with("[Memory abc123XYZ from 2024-01-19 07:28:08 UTC]\nMet Anna at the cafe about the roadmap\n"
                              "[Audio recording available]\n[Location: 48.1351, 11.5820]"));
  CHECK(d.tags == std::vector<std::string>{"pendant"});
  CHECK(d.timestamp.value_or("") .starts_with("2024-01-19T07:28:08"));
  CHECK(d.metadata.at("memory_id") == "abc123XYZ");
  CHECK(d.metadata.at("memory_type") == "memory");
  CHECK(d.metadata.at("has_audio") == "true");
  CHECK(d.metadata.at("has_image") == "false");
  CHECK(d.metadata.at("location") == "48.1351, 11.5820");
  CHECK(d.metadata.at("context_id") == "ctx1");
  auto recall = w.run({"recall", "Anna roadmap", "--connector", "p2r"});
  CHECK(recall.exit_code == 0);
  CHECK(recall.out.find("Met Anna") != std::string::npos);
}

TEST_CASE("connectors: recall and reflect --connector ask a LightRAG target") {
  World w({});
  w.memories.post("/_standin/memories", memories_body("m", {"planted tomatoes along the south fence"}));
  REQUIRE(w.run({"sync", "--wait"}).exit_code == 0);
  auto recall = w.run({"recall", "tomatoes fence", "--connector", "p2r"});
  CHECK(recall.exit_code == 0);
  CHECK(recall.out.find("planted tomatoes") != std::string::npos);
  CHECK(recall.out.find("source: memory_ctx1_m0.txt") != std::string::npos);
  auto reflect = w.run({"reflect", "where are the tomatoes?", "--connector", "p2r", "--mode", "local", "--json"});
  CHECK(reflect.exit_code == 0);
  JsonDoc answer(reflect.out);
  CHECK_FALSE(answer.root()["response"].get_string().value().empty());
  auto seen = w.target.requests();
  bool local = false;
  for (const auto& q : seen) local = local || (q.path == "/query" && q.body.find("\"mode\":\"local\"") != std::string::npos);
  CHECK(local);
  CHECK(w.run({"recall", "tomatoes", "--connector", "p2r", "--tags", "x"}).exit_code == 2);
}

TEST_CASE("connectors: an http-json source (the Memory API read generically) with its own auth header") {
  World w({"--generate", "ctx1:12"}, "hindsight", {},
          http_json_source());
  auto r = w.run({"trigger", "gen", "--json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  Report rep(r);
  CHECK(rep.str("fetch") == "1 page: 12 items");
  CHECK(rep.count("sent") == w.non_empty());
  auto docs = w.target.documents();
  CHECK(docs.size() == w.non_empty());
  for (const auto& d : docs) {
    CHECK(d.document_id.starts_with("generic_"));
    CHECK(d.content.starts_with("[Memory "));
    CHECK(d.content.find(" from ") != std::string::npos);
    CHECK(d.metadata.at("source") == "generic");
  }
  auto again = w.run({"trigger", "gen", "--json"});
  CHECK(Report(again).count("sent") == 0);  // the cursor and ids work for any source
}

TEST_CASE("connectors: -v logs an http-json source's requests without the key its URL carries") {
  World w({"--generate", "ctx1:3"}, "hindsight", {},
          http_json_source("&api_key=QSECRET9"));
  auto r = w.run({"-v", "trigger", "gen"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("/memory/ctx1?range=all&limit=100&api_key=***") != std::string::npos);
  CHECK(r.err.find("QSECRET9") == std::string::npos);
}

TEST_CASE("connectors: a source answering 503 with Retry-After 300 does not hold SIGTERM") {
  World w({"--generate", "ctx1:3", "--fail-rate", "1", "--retry-after", "300"});
  pid_t pid = spawn_memconn({"--config", w.config, "trigger", "p2r"}, {.env = {{"MEMORY_API_KEY", "mk"}}},
                            w.dir.file("out"), w.dir.file("err"));
  for (int i = 0; i < 200 && w.memories.stats().requests() < 1; ++i) std::this_thread::sleep_for(50ms);
  std::this_thread::sleep_for(300ms);  // now sleeping out the Retry-After
  auto t0 = std::chrono::steady_clock::now();
  ::kill(pid, SIGTERM);
  int code = wait_exit(pid, 30);
  if (code == -1) ::kill(pid, SIGKILL);
  CHECK(code == 143);
  CHECK(std::chrono::steady_clock::now() - t0 < 10s);
}

TEST_CASE("connectors: a memory with half an emoji (lone surrogate) is repaired and named - the others land") {
  World w({"--generate", "ctx1:0"});
  w.memories.post("/_standin/memories",
                  R"({"context":"ctx1","memories":[{"id":"good1","transcript":"first whole memory"},)"
                  R"({"id":"broken7","transcript_json":"\"cut in half \\ud83d\""},)"
                  R"({"id":"good2","transcript":"second whole memory"}]})");
  auto r = w.run({"sync", "--json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  Report rep(r);
  CHECK(rep.count("sent") == 3);
  CHECK(r.err.find("broken7") != std::string::npos);
  CHECK(r.err.find("U+FFFD") != std::string::npos);
  bool repaired = false;
  for (const auto& d : w.target.documents())
    if (d.content.find("cut in half \xEF\xBF\xBD") != std::string::npos) repaired = true;
  CHECK(repaired);
  // The next run is not blocked either.
  auto again = w.run({"trigger", "p2r", "--json"});
  CHECK_MESSAGE(again.exit_code == 0, again.err);
}

TEST_CASE("connectors: two memories with the same transcript stay two LightRAG documents - templates trim like standard") {
  World w({"--generate", "ctx1:0"});
  w.memories.post("/_standin/memories", memories_body("twin", {"uploaded twice by a flaky phone", "uploaded twice by a flaky phone"}));
  auto r = w.run({"sync", "--json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  Report rep(r);
  CHECK(rep.count("sent") == 2);
  CHECK(rep.count("already_present") == 0);
  CHECK(lightrag_documents(w.target) == 2);

  World t({"--generate", "ctx1:0"}, "lightrag", {}, "transform = \"template\"\ntemplate = \"<{transcript}>\"\n");
  t.memories.post("/_standin/memories", memories_body("pad", {"   padded by the phone\\n\\n"}));
  auto tr = t.run({"sync", "--json"});
  REQUIRE_MESSAGE(tr.exit_code == 0, tr.err);
  auto docs = t.target.documents();
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].content == "<padded by the phone>");
}

TEST_CASE("connectors: a late upload (3 h before the cursor, overlap 1 h) is recognised by its id and sent") {
  World w({"--generate", "ctx1:0"});
  w.memories.post("/_standin/memories", memories_body("now", {"recorded and uploaded right away"}));
  auto first = w.run({"sync", "--json"});
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  REQUIRE(Report(first).count("sent") == 1);

  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - 3h);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  w.memories.post("/_standin/memories", std::string(R"({"context":"ctx1","memories":[{"id":"offline1","transcript":)"
                                                    R"("recorded while the phone was offline","created_at":")") +
                                            when + R"("}]})");
  auto second = w.run({"trigger", "p2r", "--json"});
  REQUIRE_MESSAGE(second.exit_code == 0, second.err);
  Report r(second);
  CHECK(r.count("sent") == 1);
  CHECK(r.count("already_processed") == 1);
  CHECK(r.count("older_than_window") == 0);
  CHECK(lightrag_documents(w.target) == 2);
}

TEST_CASE("connectors: documents LightRAG failed to index are counted, dead-lettered, never 'present', and recoverable") {
  World w({"--generate", "ctx1:0"}, "lightrag", {"--op-ms", "50", "--fail-op-marker", "POISON"});
  w.memories.post("/_standin/memories", memories_body("m", {"an ordinary memory", "a POISON memory"}));
  auto first = w.run({"sync", "--wait", "--json"});
  CHECK_MESSAGE(first.exit_code == 1, first.err);  // partial: one document was not indexed
  Report r1(first);
  CHECK(r1.str("result") == "partial");
  CHECK(r1.count("target_failed") == 1);
  auto dl = read_file(w.dir.file("dead-letter.jsonl"));
  CHECK(dl.find("memory_ctx1_m1.txt") != std::string::npos);
  CHECK(dl.find("could not index") != std::string::npos);

  JsonDoc s(w.run({"status", "--json"}).out);
  auto sc = s.root()["connectors"].at(0);
  CHECK(sc["totals"]["failed"].get_uint64().value() == 1);
  CHECK(sc["last_run"]["failed"].get_uint64().value() == 1);
  CHECK(sc["dead_letters"].get_uint64().value() == 1);

  // A re-send is answered "duplicated ... (Status: failed)": that is a failure, not "already present".
  auto full = w.run({"trigger", "p2r", "--full", "--json"});
  CHECK(full.exit_code == 1);
  Report r2(full);
  CHECK(r2.count("failed") == 1);
  CHECK(r2.count("already_present") == 1);

  // Fixed on the server side: --reprocess-failed has LightRAG index it again.
  w.target.config(R"({"fail_op_marker":""})");
  auto re = w.run({"trigger", "p2r", "--reprocess-failed"});
  CHECK_MESSAGE(re.exit_code == 0, re.err);
  CHECK(re.err.find("reprocess") != std::string::npos);
  auto deadline = std::chrono::steady_clock::now() + 30s;
  // Reprocessing passes through "processing" first: wait for the end state, not the first change.
  while ((w.target.stats()["failed_documents"] > 0 || w.target.stats()["processed_documents"] < 2) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  CHECK(w.target.stats()["failed_documents"] == 0);
  CHECK(w.target.stats()["processed_documents"] == 2);
}

TEST_CASE("connectors: LightRAG 'no_results' is 'no memories matched', exit 0 in text and JSON - short queries are usage errors") {
  World w({});
  w.memories.post("/_standin/memories", memories_body("m", {"planted tomatoes along the south fence"}));
  REQUIRE(w.run({"sync", "--wait"}).exit_code == 0);
  auto text = w.run({"recall", "submarine periscope", "--connector", "p2r"});
  CHECK_MESSAGE(text.exit_code == 0, text.err);
  CHECK(text.out == "no memories matched\n");
  auto json = w.run({"recall", "submarine periscope", "--connector", "p2r", "--json"});
  CHECK_MESSAGE(json.exit_code == 0, json.err);
  JsonDoc d(json.out);
  CHECK(std::string(d.root()["metadata"]["failure_reason"].get_string().value()) == "no_results");
  auto bypass = w.run({"recall", "submarine periscope", "--connector", "p2r", "--mode", "bypass"});
  CHECK(bypass.exit_code == 0);
  CHECK(bypass.out.find("bypass mode") != std::string::npos);
  CHECK(bypass.out.find("no memories matched") == std::string::npos);
  auto shorty = w.run({"recall", " a ", "--connector", "p2r"});
  CHECK(shorty.exit_code == 2);
  CHECK(shorty.err.find("at least 3 characters") != std::string::npos);
  for (const auto& q : w.target.requests()) CHECK(q.body.find("\" a \"") == std::string::npos);  // never sent
}

TEST_CASE("connectors: a Memory API without range=all (400) falls back to month on the first run, with a warning") {
  World w({"--generate", "ctx1:0"});
  w.memories.post("/_standin/memory-api", R"({"range_all":false})");
  w.memories.post("/_standin/memories", memories_body("m", {"first memory", "second memory"}));
  auto r = w.run({"sync", "--json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  Report rep(r);
  CHECK(rep.count("sent") == 2);
  CHECK(rep.str("fetch").starts_with("range=month"));
  CHECK(r.err.find("refused range=all (HTTP 400") != std::string::npos);
  CHECK(lightrag_documents(w.target) == 2);
}

TEST_CASE("connectors: list and status need no secrets - sync still names the unset variable") {
  World w({"--generate", "ctx1:3"});
  // run_memconn's environment is clean: MEMORY_API_KEY is not set.
  auto list = run_memconn({"--config", w.config, "list"});
  CHECK_MESSAGE(list.exit_code == 0, list.err);
  CHECK(list.out.find("p2r") != std::string::npos);
  auto status = run_memconn({"--config", w.config, "status", "--json"});
  CHECK_MESSAGE(status.exit_code == 0, status.err);
  auto sync = run_memconn({"--config", w.config, "sync"});
  CHECK(sync.exit_code == 3);
  CHECK(sync.err.find("MEMORY_API_KEY is not set") != std::string::npos);
}

TEST_CASE("connectors: an http-json fetch cut short is partial and never moves the cursor past what it did not reach") {
  // The Memory API stand-in ignores ?page=: page 2 repeats page 1, so paging must stop there,
  // and nothing older than the oldest item fetched may be treated as done.
  World w({"--generate", "ctx1:12"}, "hindsight", {},
          http_json_source("", "paging = \"page\"\npage_size = 50\n"));
  auto r = w.run({"trigger", "gen", "--json"});
  CHECK_MESSAGE(r.exit_code == 1, r.err);
  Report rep(r);
  CHECK(rep.str("result") == "partial");
  CHECK(rep.count("sent") == w.non_empty());
  CHECK(r.err.find("repeated items") != std::string::npos);
  std::string oldest, newest;
  for (const auto& d : w.target.documents()) {
    std::string t = d.timestamp.value_or("").substr(0, 19);
    if (oldest.empty() || t < oldest) oldest = t;
    if (t > newest) newest = t;
  }
  // The cursor stays at the oldest item fetched (the newest would skip anything not reached).
  REQUIRE(oldest < newest);
  CHECK_FALSE(rep.str("cursor_after").empty());
  CHECK(rep.str("cursor_after").substr(0, 19) <= oldest);
}

TEST_CASE("connectors: in sync --watch one dead target does not stall a healthy connector") {
  // a_dead (sorted first) sends to a Hindsight nobody listens on; --max-outage is 5 minutes.
  World w({"--generate", "ctx1:5"}, "lightrag", {},
          "[targets.down]\nkind = \"hindsight\"\nurl = \"http://127.0.0.1:9\"\nbank = \"x\"\n"
          "[connectors.a_dead]\nsource = \"pendant\"\ntarget = \"down\"\nschedule = \"every 1m\"\n");
  pid_t pid = spawn_memconn({"--config", w.config, "sync", "--watch", "--max-outage", "5m"},
                            RunOptions{.env = {{"MEMORY_API_KEY", "mk"}}}, w.dir.file("out"), w.dir.file("err"));
  auto healthy_runs = [&] {
    JsonDoc st(w.run({"status", "p2r", "--json"}).out);
    return st.root()["connectors"].at(0)["runs"].get_array().value().size();
  };
  auto start = std::chrono::steady_clock::now();
  while (healthy_runs() < 1 && std::chrono::steady_clock::now() - start < 90s) std::this_thread::sleep_for(100ms);
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(healthy_runs() >= 1);
  CHECK(waited < 90s);  // well under the 5-minute outage the dead target would otherwise cost
  kill(pid, SIGTERM);
  CHECK(wait_exit(pid, 60) == 143);
  JsonDoc st(w.run({"status", "--json"}).out);
  auto dead = st.root()["connectors"].at(0);
  CHECK(std::string(dead["name"].get_string().value()) == "a_dead");
  CHECK(std::string(dead["last_run"]["result"].get_string().value()) == "unreachable");
  CHECK(lightrag_documents(w.target) == static_cast<long long>(w.non_empty()));
}

TEST_CASE("connectors: SIGHUP makes sync --watch re-read its config - a broken one is reported and the old one kept") {
  World w({"--generate", "ctx1:5"});
  auto env = std::map<std::string, std::string>{
      {"MEMORY_API_KEY", "mk"}, {"MEMCONN_FAKE_NOW", "2026-03-01T00:00:00Z"}, {"MEMCONN_FAKE_SPEED", "60"}};
  pid_t pid = spawn_memconn({"--config", w.config, "sync", "--watch"}, RunOptions{.env = env}, w.dir.file("out"),
                            w.dir.file("err"));
  auto err_has = [&](const std::string& s) {
    auto deadline = std::chrono::steady_clock::now() + 40s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (read_file(w.dir.file("err")).find(s) != std::string::npos) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  };
  REQUIRE(err_has("next: p2r at"));
  std::string good = read_file(w.config);
  w.dir.write("memconn.toml", good + "[connectors.broken\n");
  kill(pid, SIGHUP);
  CHECK(err_has("keeping the previous config"));
  // Still alive, and a valid new config (a second connector) is taken up.
  w.dir.write("memconn.toml", good + "[connectors.second]\nsource = \"pendant\"\ntarget = \"rag\"\nschedule = \"every 1h\"\n");
  kill(pid, SIGHUP);
  CHECK(err_has("config reloaded from"));
  CHECK(err_has("second ok:"));
  kill(pid, SIGTERM);
  CHECK(wait_exit(pid, 30) == 143);
}

TEST_CASE("connectors: dlq retry sends connector entries back to their own target") {
  World w({"--generate", "ctx1:0"}, "lightrag", {"--reject-marker", "REJECT"});
  w.memories.post("/_standin/memories", memories_body("m", {"an ordinary memory", "a REJECT memory"}));
  auto first = w.run({"sync", "--json"});
  CHECK(first.exit_code == 1);
  CHECK(Report(first).count("failed") == 1);
  CHECK(lightrag_documents(w.target) == 1);
  w.target.config(R"({"reject_marker":""})");
  auto retry = w.run({"dlq", "retry", "--json"});
  CHECK_MESSAGE(retry.exit_code == 0, retry.err);
  JsonDoc d(retry.out);
  CHECK(d.root()["delivered"].get_uint64().value() == 1);
  CHECK(d.root()["remaining"].get_uint64().value() == 0);
  CHECK(lightrag_documents(w.target) == 2);
  bool sent = false;
  for (const auto& doc : w.target.documents()) sent = sent || doc.file_source == "memory_ctx1_m1.txt";
  CHECK(sent);
}

TEST_CASE("connectors: a target URL with user:password@ never reaches the dead-letter file, and its entries still go back there") {
  for (std::string kind : {"hindsight", "lightrag"}) {
    CAPTURE(kind);
    World w({"--generate", "ctx1:0"}, kind, {"--reject-marker", "REJECT"});
    std::string text = read_file(w.config);
    std::string url = w.target.url();
    text.replace(text.find(url), url.size(), "http://ann:pa55word@" + url.substr(std::string("http://").size()));
    w.dir.write("memconn.toml", text);
    w.memories.post("/_standin/memories", memories_body("m", {"an ordinary memory", "a REJECT memory"}));
    auto first = w.run({"sync"});
    CHECK_MESSAGE(first.exit_code == 1, first.err);
    std::string letters = read_file(w.dir.file("dead-letter.jsonl"));
    REQUIRE(letters.find("REJECT") != std::string::npos);
    CHECK(letters.find("pa55word") == std::string::npos);
    CHECK(letters.find("ann:") == std::string::npos);
    CHECK(first.err.find("pa55word") == std::string::npos);
    w.target.config(R"({"reject_marker":""})");
    auto retry = w.run({"dlq", "retry", "--json"});
    CHECK_MESSAGE(retry.exit_code == 0, retry.err);
    CHECK(retry.out.find("pa55word") == std::string::npos);
    CHECK(e2e::count_lines(w.dir.file("dead-letter.jsonl")) == 0);
  }
}

TEST_CASE("connectors: notify_url gets one alert when a run goes wrong and one when it recovers, without secrets") {
  World w({"--generate", "ctx1:3"}, "lightrag", {}, "notify_url = \"__MEM__/hooks/memconn\"\n");
  auto alerts = [&] {
    std::vector<std::string> out;
    for (const auto& r : w.memories.requests())
      if (r.path == "/hooks/memconn") out.push_back(r.body);
    return out;
  };
  CHECK(w.run({"trigger", "p2r"}).exit_code == 0);
  CHECK(alerts().empty());  // ok after nothing: no news
  auto bad = w.run({"trigger", "p2r"}, {{"MEMORY_API_KEY", "wrong-key-42"}});
  CHECK(bad.exit_code == 4);
  CHECK(w.run({"trigger", "p2r"}, {{"MEMORY_API_KEY", "wrong-key-42"}}).exit_code == 4);  // still bad: no repeat
  CHECK(w.run({"trigger", "p2r"}).exit_code == 0);
  auto a = alerts();
  REQUIRE(a.size() == 2);
  CHECK(a[0].find(R"("event":"auth")") != std::string::npos);
  CHECK(a[0].find(R"("connector":"p2r")") != std::string::npos);
  CHECK(a[1].find(R"("event":"recovered")") != std::string::npos);
  for (const auto& b : a) CHECK(b.find("wrong-key-42") == std::string::npos);

  // A dead alert endpoint never changes the run's result.
  std::string dead = read_file(w.config);
  dead.replace(dead.find(w.memories.url() + "/hooks"), w.memories.url().size(), "http://127.0.0.1:9");
  w.dir.write("memconn.toml", dead);
  auto r = w.run({"trigger", "p2r"}, {{"MEMORY_API_KEY", "wrong-key-42"}});
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("the alert (auth)") != std::string::npos);
}

namespace {

// POST /_standin/memories/edit: same id and created_at, new transcript and updated_at.
void edit_memory(Standin& memories, const std::string& id, const std::string& transcript) {
  memories.post("/_standin/memories/edit", R"({"context":"ctx1","id":")" + id + R"(","transcript":")" + transcript + R"("})");
}

// LightRAG documents stored under a file source.
std::vector<StoredDoc> lightrag_copies(Standin& rag, const std::string& file_source) {
  std::vector<StoredDoc> out;
  for (const auto& d : rag.documents())
    if (d.file_source == file_source) out.push_back(d);
  return out;
}

}  // namespace

TEST_CASE("connectors: a memory edited at the source is upserted into Hindsight and reported as updated - unchanged ones are not re-sent") {
  World w({"--generate", "ctx1:0"}, "hindsight");
  w.memories.post("/_standin/memories", memories_body("m", {"first version of the garden plan", "an unchanged memory", "another one"}));
  auto first = w.run({"sync", "--json"});
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  REQUIRE(Report(first).count("sent") == 3);

  edit_memory(w.memories, "m0", "second version of the garden plan, with tomatoes");
  auto second = w.run({"trigger", "p2r", "--json"});
  REQUIRE_MESSAGE(second.exit_code == 0, second.err);
  Report r(second);
  CHECK(r.count("changed") == 1);
  CHECK(r.count("updated") == 1);
  CHECK(r.count("sent") == 0);               // the unchanged two are not sent again
  CHECK(r.count("already_processed") == 2);
  CHECK(second.err.find("1 of 1 edited updated") != std::string::npos);
  auto docs = w.target.documents();
  CHECK(docs.size() == 3);  // replaced under the same document id, not duplicated
  for (const auto& d : docs)
    if (d.document_id == "memory_ctx1_m0") {
      CHECK(d.content.find("second version of the garden plan, with tomatoes") != std::string::npos);
      CHECK(d.content.find("first version") == std::string::npos);
    }
  CHECK(w.target.stats().items_received() == 4);

  JsonDoc st(w.run({"status", "--json"}).out);
  auto c = st.root()["connectors"].at(0);
  CHECK(c["totals"]["updated"].get_uint64().value() == 1);
  CHECK(c["last_run"]["updated"].get_uint64().value() == 1);
  CHECK(w.run({"status"}).out.find(", 1 updated") != std::string::npos);

  auto third = w.run({"trigger", "p2r", "--json"});
  REQUIRE_MESSAGE(third.exit_code == 0, third.err);
  CHECK(Report(third).count("updated") == 0);
  CHECK(Report(third).count("sent") == 0);
  CHECK(w.target.stats().items_received() == 4);
}

TEST_CASE("connectors: a memory edited at the source replaces its LightRAG document by delete and insert - also under trigger --full") {
  World w({"--generate", "ctx1:0"}, "lightrag", {"--op-ms", "50"});
  w.memories.post("/_standin/memories", memories_body("m", {"old text of the first memory", "old text of the second memory"}));
  REQUIRE(w.run({"sync", "--json"}).exit_code == 0);
  REQUIRE(lightrag_documents(w.target) == 2);

  edit_memory(w.memories, "m0", "new text of the first memory");
  auto second = w.run({"trigger", "p2r", "--json"});
  REQUIRE_MESSAGE(second.exit_code == 0, second.err);
  Report r(second);
  CHECK(r.count("updated") == 1);
  CHECK(r.count("already_present") == 0);
  auto copies = lightrag_copies(w.target, "memory_ctx1_m0.txt");
  REQUIRE(copies.size() == 1);
  CHECK(copies[0].content.find("new text of the first memory") != std::string::npos);
  for (const auto& d : w.target.documents()) CHECK(d.content.find("old text of the first memory") == std::string::npos);
  bool deleted = false;
  for (const auto& q : w.target.requests()) deleted = deleted || (q.method == "DELETE" && q.path == "/documents/delete_document");
  CHECK(deleted);
  CHECK(lightrag_documents(w.target) == 2);

  // --full re-sends everything: the unchanged memory is "already present", the edited one is
  // replaced, never reported as present in its stale form.
  edit_memory(w.memories, "m1", "new text of the second memory");
  auto full = w.run({"trigger", "p2r", "--full", "--json"});
  REQUIRE_MESSAGE(full.exit_code == 0, full.err);
  Report f(full);
  CHECK(f.count("updated") == 1);
  CHECK(f.count("already_present") == 1);
  copies = lightrag_copies(w.target, "memory_ctx1_m1.txt");
  REQUIRE(copies.size() == 1);
  CHECK(copies[0].content.find("new text of the second memory") != std::string::npos);
  CHECK(lightrag_documents(w.target) == 2);
  JsonDoc st(w.run({"status", "--json"}).out);
  CHECK(st.root()["connectors"].at(0)["totals"]["updated"].get_uint64().value() == 2);
}

TEST_CASE("connectors: kill -9 between LightRAG's delete and insert of an edit - the next run inserts the new text") {
  World w({"--generate", "ctx1:0"}, "lightrag", {"--op-ms", "50"});
  w.memories.post("/_standin/memories", memories_body("m", {"before the edit", "a bystander"}));
  REQUIRE(w.run({"sync", "--json"}).exit_code == 0);
  edit_memory(w.memories, "m0", "after the edit");

  // Every request now takes 1.5 s: the delete is logged as it arrives and carried out after
  // the delay, by which time memconn is dead and never sends the insert.
  w.target.config(R"({"latency_ms":1500})");
  pid_t pid = spawn_memconn({"--config", w.config, "trigger", "p2r"}, RunOptions{.env = {{"MEMORY_API_KEY", "mk"}}},
                            w.dir.file("out"), w.dir.file("err"));
  auto saw_delete = [&] {
    for (const auto& q : w.target.requests())
      if (q.method == "DELETE") return true;
    return false;
  };
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!saw_delete() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  REQUIRE(saw_delete());
  kill(pid, SIGKILL);
  CHECK(wait_exit(pid, 10) == 128 + SIGKILL);
  deadline = std::chrono::steady_clock::now() + 30s;
  while (!lightrag_copies(w.target, "memory_ctx1_m0.txt").empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  REQUIRE(lightrag_copies(w.target, "memory_ctx1_m0.txt").empty());  // really between delete and insert
  JsonDoc st(w.run({"status", "--json"}).out);
  CHECK(st.root()["connectors"].at(0)["pending_updates"].get_uint64().value() == 1);

  w.target.config(R"({"latency_ms":0})");
  auto again = w.run({"trigger", "p2r", "--json"});
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(Report(again).count("updated") == 1);
  auto copies = lightrag_copies(w.target, "memory_ctx1_m0.txt");
  REQUIRE(copies.size() == 1);
  CHECK(copies[0].content.find("after the edit") != std::string::npos);
  CHECK(lightrag_documents(w.target) == 2);
  JsonDoc after(w.run({"status", "--json"}).out);
  CHECK(after.root()["connectors"].at(0)["pending_updates"].get_uint64().value() == 0);
}

TEST_CASE("connectors: first_range sets the first run's Memory API range - --full still asks for all - a bad value names the key") {
  World w({"--generate", "ctx1:0"}, "lightrag", {}, "first_range = \"week\"\n");
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - 24h * 10);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  w.memories.post("/_standin/memories", std::string(R"({"context":"ctx1","memories":[{"id":"recent","transcript":"from today"},)"
                                                    R"({"id":"old","transcript":"from ten days ago","created_at":")") +
                                            when + R"("}]})");
  auto first = w.run({"sync", "--json"});
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  Report r(first);
  CHECK(r.str("fetch").starts_with("range=week"));
  CHECK(r.count("sent") == 1);
  auto full = w.run({"trigger", "p2r", "--full", "--json"});
  REQUIRE_MESSAGE(full.exit_code == 0, full.err);
  CHECK(Report(full).str("fetch").starts_with("range=all"));
  CHECK(Report(full).count("sent") == 1);
  CHECK(lightrag_documents(w.target) == 2);

  std::string cfg = read_file(w.config);
  size_t at = cfg.find("first_range = \"week\"");
  int line = 1 + static_cast<int>(std::count(cfg.begin(), cfg.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  w.dir.write("memconn.toml", cfg.replace(at, 20, "first_range = \"year\""));
  auto bad = w.run({"sync"});
  CHECK(bad.exit_code == 3);
  CHECK(bad.err.find("memconn.toml:" + std::to_string(line) +
                     ": connectors.p2r.first_range: \"year\" is not one of all, month, week, day") != std::string::npos);

  World g({"--generate", "ctx1:1"}, "lightrag", {},
          "[sources.generic]\nkind = \"http-json\"\nurl = \"http://127.0.0.1:9/x\"\n"
          "[connectors.gen]\nsource = \"generic\"\ntarget = \"rag\"\nschedule = \"@daily\"\nfirst_range = \"day\"\n");
  auto wrong = g.run({"list"});
  CHECK(wrong.exit_code == 3);
  CHECK(wrong.err.find("connectors.gen.first_range: only for memory-api sources") != std::string::npos);
}

TEST_CASE("connectors: a source's and a target's ca_file reach libcurl - an https URL then fails naming that CA file") {
  // The stand-ins speak plain HTTP; over https libcurl loads the CA file first, so a file that
  // is no PEM bundle fails with its path - proof that this connector's setting was used.
  World w({"--generate", "ctx1:2"}, "lightrag", {}, "", "ca_file = \"bad-ca.pem\"\n");
  w.dir.write("bad-ca.pem", "not a certificate\n");
  std::string plain = read_file(w.config);
  std::string cfg = plain;
  cfg.replace(cfg.find("url = \"http://", cfg.find("[sources.pendant]")), 14, "url = \"https://");
  w.dir.write("memconn.toml", cfg);
  auto src = w.run({"trigger", "p2r", "--retries", "0"});
  CHECK(src.exit_code != 0);
  CHECK_MESSAGE(src.err.find(w.dir.file("bad-ca.pem")) != std::string::npos, src.err);

  cfg.replace(cfg.find("ca_file = \"bad-ca.pem\"\n"), 23, "");  // without it: the system store, another error
  w.dir.write("memconn.toml", cfg);
  auto sys = w.run({"trigger", "p2r", "--retries", "0"});
  CHECK(sys.exit_code != 0);
  CHECK(sys.err.find("bad-ca.pem") == std::string::npos);

  cfg = plain;
  cfg.replace(cfg.find("[targets.rag]\n"), 14, "[targets.rag]\nca_file = \"bad-ca.pem\"\n");
  cfg.replace(cfg.find("url = \"http://"), 14, "url = \"https://");  // the target's url comes first
  w.dir.write("memconn.toml", cfg);
  auto tgt = w.run({"trigger", "p2r", "--retries", "0"});
  CHECK(tgt.exit_code != 0);
  CHECK_MESSAGE(tgt.err.find(w.dir.file("bad-ca.pem")) != std::string::npos, tgt.err);
  CHECK(lightrag_documents(w.target) == 0);
}

TEST_CASE("connectors: a source answering more than max_records fails the run by name and leaves the cursor alone") {
  // The Memory API answers 40 memories; this source accepts at most 25 per fetch.
  World w({"--generate", "ctx1:40"}, "lightrag", {}, "", "max_records = 25\n");
  auto r = w.run({"sync", "--json"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("connector p2r: source pendant: more than 25 records in one fetch (max_records)") != std::string::npos);
  CHECK(r.err.find("the cursor did not move") != std::string::npos);
  CHECK(lightrag_documents(w.target) == 0);
  JsonDoc st(w.run({"status", "--json"}).out);
  auto c = st.root()["connectors"].at(0);
  CHECK(std::string(c["cursor"].get_string().value()).empty());
  CHECK(std::string(c["last_run"]["result"].get_string().value()) != "ok");
}

TEST_CASE("connectors: an http-json source over max_records fails by name, nothing sent") {
  // The one page holds 12 items; this source accepts at most 5.
  World w({"--generate", "ctx1:12"}, "hindsight", {},
          http_json_source("", "max_records = 5\n"));
  auto r = w.run({"trigger", "gen", "--json"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("connector gen: source generic: more than 5 records in one fetch (max_records)") != std::string::npos);
  CHECK(w.target.documents().empty());
  JsonDoc st(w.run({"status", "gen", "--json"}).out);
  CHECK(std::string(st.root()["connectors"].at(0)["cursor"].get_string().value()).empty());
}
