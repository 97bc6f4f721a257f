// Issue 19: every write memconn sends may be applied twice without changing the result, so a
// document is only ever sent whole. Each case is one a user meets, judged by the server's
// final text alone (exact equality per document) and by the exit code.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

using e2e::RunResult;
using e2e::Standin;
using e2e::StoredDoc;
using e2e::TempDir;

namespace {

std::map<std::string, StoredDoc> docs_of(Standin& s) {
  std::map<std::string, StoredDoc> m;
  for (auto& d : s.documents()) m[d.document_id] = d;
  return m;
}

std::string line(const std::string& id, const std::string& text) {
  return "{\"document_id\":\"" + id + "\",\"content\":\"" + text + "\"}\n";
}

void append(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "a");
  REQUIRE(f);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

RunResult ingest(const Standin& s, const TempDir& t, std::vector<std::string> more) {
  std::vector<std::string> a{"--url", s.url(), "--bank", "b1", "--state", t.file("state/state.json"), "ingest"};
  a.insert(a.end(), more.begin(), more.end());
  return e2e::run_memconn(a);
}

}  // namespace

TEST_CASE("documents whole: two daily files of one conversation, the first rewritten (new inode) - the document keeps both days") {
  Standin s;
  TempDir t;
  std::string day1 = t.write("exp/2026-12-01.jsonl", line("c1", "day1 turn1") + line("c1", "day1 turn2"));
  t.write("exp/2026-12-02.jsonl", line("c1", "day2 turn3") + line("c1", "day2 turn4"));
  REQUIRE(ingest(s, t, {t.file("exp")}).exit_code == 0);
  CHECK(docs_of(s)["c1"].content == "day1 turn1\nday1 turn2\nday2 turn3\nday2 turn4");
  // An exporter rewrites the first file with the same text: cp + mv, a new inode.
  std::string text = e2e::read_file(day1);
  t.write("exp/tmp", text);
  std::filesystem::rename(t.file("exp/tmp"), day1);
  RunResult r = ingest(s, t, {t.file("exp")});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(docs_of(s)["c1"].content == "day1 turn1\nday1 turn2\nday2 turn3\nday2 turn4");
}

TEST_CASE("documents whole: a conversation continued in a file ingested alone keeps the turns of the earlier file") {
  Standin s;
  TempDir t;
  std::string day1 = t.write("d1.jsonl", line("c1", "monday one") + line("c2", "other") + line("c1", "monday two"));
  std::string day2 = t.write("d2.jsonl", line("c1", "tuesday three"));
  REQUIRE(ingest(s, t, {day1}).exit_code == 0);
  RunResult r = ingest(s, t, {day2});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  auto docs = docs_of(s);
  CHECK(docs["c1"].content == "monday one\nmonday two\ntuesday three");
  CHECK(docs["c2"].content == "other");
  // And the first file alone again, rewritten with one more turn: tuesday's stays.
  t.write("d1.jsonl", line("c1", "monday one") + line("c2", "other") + line("c1", "monday two") + line("c1", "monday late"));
  r = ingest(s, t, {day1});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(docs_of(s)["c1"].content == "monday one\nmonday two\nmonday late\ntuesday three");
}

TEST_CASE("documents whole: --unit file - personal/todo.md and work/todo.md are two documents - one --id-prefix for both is a usage error") {
  Standin s;
  TempDir t;
  t.write("personal/todo.md", "buy milk\n");
  t.write("work/todo.md", "ship release 2.1\nreview PR 42\n");
  RunResult r = ingest(s, t, {t.file("personal"), t.file("work"), "--unit", "file"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  auto docs = docs_of(s);
  REQUIRE(docs.size() == 2);
  CHECK(docs[std::filesystem::weakly_canonical(t.file("personal/todo.md")).string()].content == "buy milk");
  CHECK(docs[std::filesystem::weakly_canonical(t.file("work/todo.md")).string()].content == "ship release 2.1\nreview PR 42");
  s.reset();
  TempDir t2;
  t2.write("personal/todo.md", "buy milk\n");
  t2.write("work/todo.md", "ship\n");
  r = ingest(s, t2, {t2.file("personal"), t2.file("work"), "--unit", "file", "--id-prefix", "kb/"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("would both be document \"kb/todo.md\"") != std::string::npos);
  CHECK(s.documents().empty());
}

TEST_CASE("documents whole: a refused turn is dead-lettered and left out - the turns after it and two growth runs go through (exit 0)") {
  Standin s({"--reject-marker", "POISON"});
  TempDir t;
  std::string f = t.write("chat.jsonl", line("c1", "turn 1") + line("c1", "turn 2 POISON") + line("c1", "turn 3"));
  RunResult r = ingest(s, t, {f});
  CHECK(r.exit_code == 1);
  CHECK(e2e::count_lines(t.file("state/dead-letter.jsonl")) == 1);
  CHECK(e2e::read_file(t.file("state/dead-letter.jsonl")).find("turn 2 POISON") != std::string::npos);
  CHECK(docs_of(s)["c1"].content == "turn 1\nturn 3");
  append(f, line("c1", "turn 4"));
  r = ingest(s, t, {f});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(docs_of(s)["c1"].content == "turn 1\nturn 3\nturn 4");
  append(f, line("c1", "turn 5"));
  r = ingest(s, t, {f});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(docs_of(s)["c1"].content == "turn 1\nturn 3\nturn 4\nturn 5");
  CHECK(e2e::count_lines(t.file("state/dead-letter.jsonl")) == 1);
}

TEST_CASE("documents whole: a non-ASCII note under --id-prefix notes/ grows over three runs, exactly") {
  Standin s;
  TempDir t;
  std::string note = t.write("n/café.md", "crème brûlée\n");
  std::string expected = "crème brûlée";
  for (int run = 0; run < 3; ++run) {
    RunResult r = ingest(s, t, {t.file("n"), "--unit", "file", "--id-prefix", "notes/"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(docs_of(s)["notes/café.md"].content == expected);
    std::string more = "ligne " + std::to_string(run) + " à la façon d'été";
    append(note, more + "\n");
    expected += "\n" + more;
  }
  CHECK_FALSE(e2e::file_exists(t.file("state/dead-letter.jsonl")));
}

TEST_CASE("documents whole: --unit file - a same-length edit at byte 5000 is seen and the note re-sent whole") {
  Standin s;
  TempDir t;
  std::string body;
  for (int i = 0; body.size() < 7000; ++i) body += "line " + std::to_string(i) + " of a long note about the deploy\n";
  std::string note = t.write("kb/long.md", body);
  RunResult r = ingest(s, t, {note, "--unit", "file"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::string id = std::filesystem::weakly_canonical(note).string();
  REQUIRE(docs_of(s)[id].content + "\n" == body);
  // A typo fixed in place past byte 5000, the same length.
  size_t at = body.find("deploy", 5000);
  REQUIRE(at != std::string::npos);
  body.replace(at, 6, "DEPLOY");
  t.write("kb/long.md", body);
  r = ingest(s, t, {note, "--unit", "file"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(docs_of(s)[id].content + "\n" == body);
}

TEST_CASE("documents whole: 8 workers against a 1-slot server answering 429 to the rest - every line lands, exit 0") {
  Standin s({"--capacity-slots", "1", "--capacity-queue", "0", "--capacity-ms", "20", "--retry-after", "0"});
  TempDir t;
  std::string text;
  for (int i = 0; i < 120; ++i) text += "memory number " + std::to_string(i) + "\n";
  std::string f = t.write("m.txt", text);
  RunResult r = ingest(s, t, {f, "--workers", "8", "--batch-size", "5", "--max-outage", "60s", "--json"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(s.documents().size() == 120);
  CHECK(s.stats()["responses.429"] > 0);  // it really was throttled
}

TEST_CASE("documents whole: --timeout 1s against a server that takes 1.5 s, then a normal re-run - the text is there once") {
  Standin s;
  TempDir t;
  std::string f = t.write("conv.jsonl", line("c1", "turn 1: hello") + line("c1", "turn 2: ok"));
  REQUIRE(ingest(s, t, {f}).exit_code == 0);
  append(f, line("c1", "turn 3: see you"));
  s.config(R"({"answer_delay_ms":1500})");
  RunResult slow = ingest(s, t, {f, "--timeout", "1s"});
  CHECK(slow.exit_code == 69);
  s.config(R"({"answer_delay_ms":0})");
  RunResult r = ingest(s, t, {f});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(docs_of(s)["c1"].content == "turn 1: hello\nturn 2: ok\nturn 3: see you");
}

TEST_CASE("documents whole: kill -9 while the first part of a conversation in a second file is in flight - the re-run leaves it whole, once") {
  Standin s;
  TempDir t;
  std::string d1 = t.write("a/d1.jsonl", line("c1", "first") + line("c1", "second"));
  REQUIRE(ingest(s, t, {t.file("a")}).exit_code == 0);
  t.write("a/d2.jsonl", line("c1", "third") + line("c1", "fourth"));
  s.config(R"({"answer_delay_ms":3000})");
  std::vector<std::string> a{"--url", s.url(), "--bank", "b1", "--state", t.file("state/state.json"), "ingest", t.file("a")};
  pid_t pid = e2e::spawn_memconn(a, {}, t.file("out"), t.file("err"));
  // Wait until the write is at the server (stored; its answer is held back), then kill.
  for (int i = 0; i < 200 && docs_of(s)["c1"].content.find("third") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  ::kill(pid, SIGKILL);
  e2e::wait_exit(pid, 30);
  s.config(R"({"answer_delay_ms":0})");
  RunResult r = ingest(s, t, {t.file("a")});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(docs_of(s)["c1"].content == "first\nsecond\nthird\nfourth");
}

TEST_CASE("documents whole: --async, kill -9 while a write's answer is outstanding, then --async --wait - the text is there once") {
  Standin s({"--op-ms", "100"});
  TempDir t;
  std::string f = t.write("conv.jsonl", line("c1", "one") + line("c1", "two"));
  REQUIRE(ingest(s, t, {f, "--async", "--wait"}).exit_code == 0);
  append(f, line("c1", "three"));
  s.config(R"({"answer_delay_ms":3000})");
  std::vector<std::string> a{"--url", s.url(), "--bank", "b1", "--state", t.file("state/state.json"), "ingest", f, "--async"};
  pid_t pid = e2e::spawn_memconn(a, {}, t.file("out"), t.file("err"));
  for (int i = 0; i < 200 && s.stats().retain_requests() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(pid, SIGKILL);
  e2e::wait_exit(pid, 30);
  s.config(R"({"answer_delay_ms":0})");
  RunResult r = ingest(s, t, {f, "--async", "--wait"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the operations the kill left finish
  CHECK(docs_of(s)["c1"].content == "one\ntwo\nthree");
}

TEST_CASE("documents whole: one worker, batch 1, the 2nd write's answer lost after it was stored, on a reused connection - the text is there once") {
  // Zero answer bytes on a reused keep-alive connection: libcurl re-sends the POST by itself.
  Standin s({"--drop-nth", "2", "--drop-style", "zero", "--drop-reused-only"});
  TempDir t;
  std::string f = t.write("t20.jsonl", line("c1", "turn 1: hello") + line("c2", "other") + line("c1", "turn 2: how are you") +
                                           line("c3", "third") + line("c1", "turn 3: fine"));
  RunResult r = ingest(s, t, {f, "--workers", "1", "--batch-size", "1"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  auto st = s.stats();
  CHECK(st["faults.dropped"] == 1);  // the fault really fired
  auto docs = docs_of(s);
  CHECK(docs["c1"].content == "turn 1: hello\nturn 2: how are you\nturn 3: fine");
  CHECK(docs["c2"].content == "other");
  CHECK(docs["c3"].content == "third");
}

TEST_CASE("documents whole: a gateway answers 504 at 1 s while the server takes 1.5 s and stores the write - the text is there once") {
  Standin s({"--gateway-timeout-ms", "1000", "--latency-ms", "1500", "--fault-scope", "writes", "--retry-after", "0"});
  TempDir t;
  std::string f = t.write("t12.jsonl", line("c1", "turn 1: hello") + line("c1", "turn 2: ok"));
  s.config(R"({"gateway_timeout_ms":0,"latency_ms":0})");
  REQUIRE(ingest(s, t, {f}).exit_code == 0);
  append(f, line("c1", "turn 3: see you"));
  s.config(R"({"gateway_timeout_ms":1000,"latency_ms":1500})");
  RunResult r = ingest(s, t, {f, "--retries", "1"});
  CHECK(s.stats()["faults.gateway_504"] >= 1);
  s.config(R"({"gateway_timeout_ms":0,"latency_ms":0})");
  if (r.exit_code != 0) r = ingest(s, t, {f});  // a gateway that never lets an answer through: the re-run finishes
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // every abandoned write has landed
  CHECK(docs_of(s)["c1"].content == "turn 1: hello\nturn 2: ok\nturn 3: see you");
}

TEST_CASE("documents whole: verify sees a document the server holds doubled (stale), --repair replaces it, and parts alike (ok, ok) are complete") {
  Standin s;
  TempDir t;
  std::string f = t.write("c.jsonl", line("chat-7", "ok") + line("chat-7", "ok") + line("c1", "turn 1") + line("c1", "turn 2"));
  REQUIRE(ingest(s, t, {f}).exit_code == 0);
  std::vector<std::string> v{"--url", s.url(), "--bank", "b1", "--state", t.file("state/state.json"), "verify", f};
  RunResult ok = e2e::run_memconn(v);
  CHECK_MESSAGE(ok.exit_code == 0, ok.out << ok.err);
  CHECK(ok.out.find("result: complete") != std::string::npos);
  // Something doubles c1's text on the server (an old client's replayed append).
  s.post("/v1/default/banks/b1/memories",
         R"({"items":[{"content":"turn 1\nturn 2","document_id":"c1","update_mode":"append"}],"async":false})");
  REQUIRE(docs_of(s)["c1"].content == "turn 1\nturn 2\nturn 1\nturn 2");
  RunResult stale = e2e::run_memconn(v);
  CHECK(stale.exit_code == 1);
  CHECK(stale.out.find("c1") != std::string::npos);
  v.push_back("--repair");
  RunResult repaired = e2e::run_memconn(v);
  CHECK_MESSAGE(repaired.exit_code == 0, repaired.out << repaired.err);
  v.pop_back();
  CHECK(docs_of(s)["c1"].content == "turn 1\nturn 2");
  CHECK(e2e::run_memconn(v).exit_code == 0);
}

TEST_CASE("documents whole: dlq retry sends a refused turn's conversation whole again, the turn back in its place") {
  Standin s({"--reject-marker", "POISON"});
  TempDir t;
  std::string f = t.write("chat.jsonl", line("c1", "turn 1") + line("c1", "turn 2 POISON") + line("c1", "turn 3"));
  REQUIRE(ingest(s, t, {f}).exit_code == 1);
  REQUIRE(docs_of(s)["c1"].content == "turn 1\nturn 3");
  s.config(R"({"reject_marker":""})");
  RunResult r = e2e::run_memconn({"--url", s.url(), "--bank", "b1", "--state", t.file("state/state.json"), "dlq", "retry", "--json"});
  CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
  CHECK(docs_of(s)["c1"].content == "turn 1\nturn 2 POISON\nturn 3");
  CHECK(e2e::count_lines(t.file("state/dead-letter.jsonl")) == 0);
  // And it stays in: a later growth run keeps it.
  append(f, line("c1", "turn 4"));
  RunResult g = ingest(s, t, {f});
  CHECK_MESSAGE(g.exit_code == 0, g.err);
  CHECK(docs_of(s)["c1"].content == "turn 1\nturn 2 POISON\nturn 3\nturn 4");
}
