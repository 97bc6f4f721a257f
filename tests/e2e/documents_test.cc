// Issue 10: items that share a document id are one document, in input order; units for
// plain text; a lost acknowledgement never duplicates text. Through the real binary against
// the Hindsight stand-in, which folds items sharing an id in a sync request, answers 400 for a
// repeated id in an async request, replaces on upsert and appends on update_mode "append".
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <thread>
#include <string>
#include <vector>

#include "harness.h"

using e2e::JsonDoc;
using e2e::RunResult;
using e2e::Standin;
using e2e::StoredDoc;
using e2e::TempDir;

namespace {

std::vector<std::string> cmd(const Standin& s, std::vector<std::string> more) {
  std::vector<std::string> a{"--url", s.url(), "--bank", "b1"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

std::map<std::string, StoredDoc> by_id(const std::vector<StoredDoc>& docs) {
  std::map<std::string, StoredDoc> m;
  for (const auto& d : docs) m[d.document_id] = d;
  return m;
}

std::string turn(int conv, int i) {
  return std::string(i % 2 ? "assistant" : "user") + " turn " + std::to_string(i) + " of conversation " + std::to_string(conv);
}

// JSONL of `convs` conversations with `turns` turns each, interleaved line by line.
std::string conversations(int convs, int turns, std::map<std::string, std::string>& expected) {
  std::string text;
  for (int i = 0; i < turns; ++i)
    for (int c = 0; c < convs; ++c) {
      std::string id = "conversation_" + std::to_string(c);
      text += "{\"document_id\":\"" + id + "\",\"content\":\"" + turn(c, i) + "\"}\n";
      expected[id] += (i ? "\n" : "") + turn(c, i);
    }
  return text;
}

int64_t num(const std::string& json, const char* pointer) {
  JsonDoc d(json);
  int64_t n = -1;
  if (d.root().at_pointer(pointer).get_int64().get(n)) return -1;
  return n;
}

}  // namespace

TEST_CASE("documents: a 25-turn conversation with one id lands as one document, all turns in order (sync and async)") {
  for (bool async : {false, true}) {
    CAPTURE(async);
    Standin s({"--op-ms", "50"});
    TempDir t;
    std::map<std::string, std::string> expected;
    std::string path = t.write("chat.jsonl", conversations(1, 25, expected));
    std::vector<std::string> a = cmd(s, {"--json", "ingest", path});
    if (async) a.insert(a.end(), {"--async", "--wait"});
    RunResult r = e2e::run_memconn(a);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto docs = by_id(s.documents());
    REQUIRE(docs.size() == 1);
    CHECK(docs["conversation_0"].content == expected["conversation_0"]);
    CHECK(s.stats()["responses.400"] == 0);
    CHECK(num(r.out, "/documents") == 1);
    CHECK(num(r.out, "/sent") == 25);
  }
}

TEST_CASE("documents: interleaved conversations larger than one request arrive whole and in order (first part, then appends)") {
  for (bool async : {false, true}) {
    CAPTURE(async);
    Standin s({"--op-ms", "20"});
    TempDir t;
    std::map<std::string, std::string> expected;
    std::string path = t.write("chats.jsonl", conversations(7, 30, expected));
    // Small batches and several workers: each conversation travels in many parts that
    // would race each other if nothing kept them in order.
    std::vector<std::string> a = cmd(s, {"ingest", path, "--batch-size", "5", "--workers", "4"});
    if (async) a.insert(a.end(), {"--async", "--wait"});
    RunResult r = e2e::run_memconn(a);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto docs = by_id(s.documents());
    REQUIRE(docs.size() == expected.size());
    for (const auto& [id, text] : expected) CHECK_MESSAGE(docs[id].content == text, id);
    CHECK(s.stats()["responses.400"] == 0);
  }
}

TEST_CASE("documents: a lost acknowledgement of an append never doubles text (sync and async)") {
  for (bool async : {false, true}) {
    CAPTURE(async);
    // One request in five is processed and then its connection is cut: memconn cannot know
    // whether those parts landed.
    Standin s({"--drop-rate", "0.2", "--seed", "7", "--op-ms", "20"});
    TempDir t;
    std::map<std::string, std::string> expected;
    std::string path = t.write("chats.jsonl", conversations(5, 20, expected));
    std::vector<std::string> a = cmd(s, {"ingest", path, "--batch-size", "4", "--workers", "3"});
    if (async) a.insert(a.end(), {"--async", "--wait"});
    RunResult r = e2e::run_memconn(a);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(s.stats()["faults.dropped"] > 0);
    auto docs = by_id(s.documents());
    REQUIRE(docs.size() == expected.size());
    for (const auto& [id, text] : expected) CHECK_MESSAGE(docs[id].content == text, id);
  }
}

TEST_CASE("documents: torture - conversation JSONL, 5% 503, 1% lost acks, kill -9s: each document equals its source") {
  constexpr int kConvs = 60, kTurns = 100, kKills = 6;
  // Writes take 150 ms: a document is sent whole, so the 6000 turns fold into a few hundred
  // writes, and without latency a run would be over before the first kill.
  Standin s({"--fail-rate", "0.05", "--drop-rate", "0.01", "--retry-after", "0", "--seed", "11", "--latency-ms", "150"});
  TempDir t;
  std::map<std::string, std::string> expected;
  std::string path = t.write("chats.jsonl", conversations(kConvs, kTurns, expected));
  std::vector<std::string> a{"ingest", path, "--bank", "b1", "--url", s.url(), "--state", t.file("state/state.json"),
                             "--workers", "4", "--batch-size", "2"};
  std::mt19937 rng(20261127);
  std::uniform_int_distribution<int> when_ms(150, 600);
  int killed = 0;
  for (int k = 0; k < kKills; ++k) {
    pid_t pid = e2e::spawn_memconn(a, {}, t.file("out"), t.file("err"));
    std::this_thread::sleep_for(std::chrono::milliseconds(when_ms(rng)));
    if (::kill(pid, SIGKILL) == 0) ++killed;
    e2e::wait_exit(pid, 30);
  }
  a.push_back("--json");
  RunResult r = e2e::run_memconn(a, {.timeout_s = 120});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  // The killed runs were cut off mid-way: the last run resumed and still had work to do.
  CHECK(num(r.out, "/skipped") > 0);
  CHECK(num(r.out, "/sent") > 0);
  auto docs = by_id(s.documents());
  REQUIRE(docs.size() == expected.size());
  int equal = 0;
  for (const auto& [id, text] : expected) {
    CHECK_MESSAGE(docs[id].content == text, id);
    equal += docs[id].content == text;
  }
  CHECK_FALSE_MESSAGE(e2e::file_exists(t.file("state/dead-letter.jsonl")), e2e::read_file(t.file("state/dead-letter.jsonl")));
  auto st = s.stats();
  MESSAGE("document torture: documents=" << kConvs << " turns=" << kConvs * kTurns << " kills=" << killed
                                         << " dropped_acks=" << st["faults.dropped"] << " 503s=" << st["faults.503"]
                                         << " equal=" << equal);
}

TEST_CASE("documents: --unit file - one document per note (id = prefix + relative path), an edited note and a grown transcript are re-sent whole, as replaces") {
  Standin s;
  TempDir t;
  t.write("notes/a.md", "# Alpha\nfirst line\nsecond line\n");
  t.write("notes/sub/b.txt", "bravo\n");
  std::string transcript = t.write("notes/call.log", "A: hello\nB: hi\n");
  std::vector<std::string> a{"--url", s.url(), "--bank", "b1", "--state", t.file("state.json"), "--json", "ingest",
                             t.file("notes"), "--unit", "file", "--id-prefix", "kb/"};
  RunResult r = e2e::run_memconn(a);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(num(r.out, "/documents") == 3);
  auto docs = by_id(s.documents());
  REQUIRE(docs.size() == 3);
  CHECK(docs["kb/a.md"].content == "# Alpha\nfirst line\nsecond line");
  CHECK(docs["kb/sub/b.txt"].content == "bravo");
  CHECK(docs["kb/call.log"].content == "A: hello\nB: hi");

  // The transcript grows; the note is edited in place (same size, different text).
  {
    std::FILE* f = std::fopen(transcript.c_str(), "a");
    REQUIRE(f);
    std::fputs("A: how are you?\nB: fine\n", f);
    std::fclose(f);
  }
  t.write("notes/a.md", "# Alpha\nfirst LINE\nsecond line\n");
  long long before = s.stats().retain_requests();
  r = e2e::run_memconn(a);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  docs = by_id(s.documents());
  CHECK(docs["kb/call.log"].content == "A: hello\nB: hi\nA: how are you?\nB: fine");
  CHECK(docs["kb/a.md"].content == "# Alpha\nfirst LINE\nsecond line");
  CHECK(docs["kb/sub/b.txt"].content == "bravo");
  // Every write of a document is its whole text, a replace: sent twice, it changes nothing.
  bool saw_growth = false;
  for (const auto& req : s.requests()) {
    if (req.method != "POST" || req.body.find("how are you") == std::string::npos) continue;
    saw_growth = true;
    CHECK(req.body.find("A: hello") != std::string::npos);
    CHECK(req.body.find("update_mode") == std::string::npos);
  }
  CHECK(saw_growth);
  CHECK(s.stats().retain_requests() > before);
}

TEST_CASE("documents: --unit line keeps one document per line, --unit rejects other values (exit 2)") {
  Standin s;
  TempDir t;
  std::string path = t.write("in.txt", "one\ntwo\n");
  RunResult r = e2e::run_memconn(cmd(s, {"--json", "ingest", path, "--unit", "line"}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(num(r.out, "/documents") == 2);
  CHECK(s.documents().size() == 2);
  r = e2e::run_memconn(cmd(s, {"ingest", path, "--unit", "chapter"}));
  CHECK(r.exit_code == 2);
}

namespace {

// As if the file had been saved a while ago (a finished note, not a transcript being written).
void settle(const std::string& path) {
  std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now() - std::chrono::seconds(30));
}

void append(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "a");
  REQUIRE(f);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

std::map<std::string, std::string> contents_by_line(const std::vector<StoredDoc>& docs) {
  std::map<std::string, std::string> m;  // metadata.line -> content
  for (const auto& d : docs) m[d.metadata["line"]] = d.content;
  return m;
}

}  // namespace

TEST_CASE("documents: --unit paragraph - one memory per block of lines, a growing file's unfinished last paragraph waits for the next run") {
  Standin s;
  TempDir t;
  std::string notes = t.write("notes.txt", "Alpha one\nalpha two\n\n\n  \nBravo\n\nCharlie a\ncharlie b\n");
  std::vector<std::string> a{"--url", s.url(), "--bank", "b1", "--state", t.file("state.json"), "--json", "ingest",
                             notes, "--unit", "paragraph"};
  // Just written: the last paragraph is not closed by a blank line and may go on.
  RunResult r = e2e::run_memconn(a);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("the last paragraph is not finished yet") != std::string::npos);
  auto docs = contents_by_line(s.documents());
  REQUIRE(docs.size() == 2);
  CHECK(docs["1"] == "Alpha one\nalpha two");
  CHECK(docs["6"] == "Bravo");
  CHECK(num(r.out, "/sent") == 2);

  // The writer finishes the paragraph and starts another, then leaves the file alone.
  append(notes, "charlie c\n\nDelta\n");
  settle(notes);
  r = e2e::run_memconn(a);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(num(r.out, "/sent") == 2);  // only the new paragraphs travelled
  CHECK(num(r.out, "/skipped") > 0);
  docs = contents_by_line(s.documents());
  REQUIRE(docs.size() == 4);
  CHECK(docs["8"] == "Charlie a\ncharlie b\ncharlie c");
  CHECK(docs["12"] == "Delta");

  // A paragraph taken as finished (the file was left alone) that the file later continues is
  // not sent as a fragment: the file starts over and the whole paragraph lands.
  append(notes, "delta two\n");
  settle(notes);
  r = e2e::run_memconn(a);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("sending the file again from the start") != std::string::npos);
  docs = contents_by_line(s.documents());
  CHECK(docs["12"] == "Delta\ndelta two");
  for (const auto& d : s.documents()) CHECK_MESSAGE(d.content != "delta two", "a fragment was sent as a paragraph");
}

TEST_CASE("documents: --unit paragraph and --unit file hold back a last line without a newline until it is finished (or --finished)") {
  for (std::string unit : {"paragraph", "file"}) {
    CAPTURE(unit);
    Standin s;
    TempDir t;
    std::string path = t.write("log.txt", "A: hello\nB: hal");  // a writer in the middle of a line
    settle(path);  // however old: a line without its newline is not finished
    std::vector<std::string> a{"--url", s.url(), "--bank", "b1", "--state", t.file("state.json"), "--json", "ingest",
                               path, "--unit", unit};
    RunResult r = e2e::run_memconn(a);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(num(r.out, "/held_back") == 1);
    CHECK(r.err.find("held back") != std::string::npos);
    for (const auto& d : s.documents()) CHECK(d.content.find("hal") == std::string::npos);
    append(path, "lo\n");
    settle(path);
    r = e2e::run_memconn(a);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto docs = s.documents();
    REQUIRE(docs.size() == 1);
    CHECK(docs[0].content == "A: hello\nB: hallo");
  }
  // A note saved without a final newline: --finished says it is complete.
  Standin s;
  TempDir t;
  std::string path = t.write("note.md", "first\n\nlast words");
  RunResult r = e2e::run_memconn(cmd(s, {"ingest", path, "--unit", "paragraph", "--finished", "--state", t.file("st.json")}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto docs = contents_by_line(s.documents());
  CHECK(docs["1"] == "first");
  CHECK(docs["3"] == "last words");
  // Paragraphs are cut from plain text only.
  r = e2e::run_memconn(cmd(s, {"ingest", path, "--unit", "paragraph", "--format", "jsonl"}));
  CHECK(r.exit_code == 2);
}

namespace {

// One message of a ChatGPT-like export: the text nested in message.content.parts, the role in
// message.author.role, Unix seconds in create_time, labels for tags.
std::string export_line(const std::string& conv, const std::string& role, const std::string& text, int t) {
  return "{\"conversation_id\":\"" + conv + "\",\"message\":{\"id\":\"m" + std::to_string(t) +
         "\",\"author\":{\"role\":\"" + role + "\"},\"content\":{\"content_type\":\"text\",\"parts\":[\"" + text +
         "\"]}},\"create_time\":" + std::to_string(1700000000 + t) + ",\"labels\":[\"chatgpt\"]}\n";
}

}  // namespace

TEST_CASE("documents: --map and --template turn a ChatGPT-like export into one document per conversation, a record missing a mapped field is a file:line error and dead-lettered") {
  Standin s;
  TempDir t;
  std::string text;
  std::map<std::string, std::string> expected;
  for (int i = 0; i < 12; ++i) {
    std::string conv = "conv-" + std::to_string(i % 3);
    std::string role = i % 2 ? "assistant" : "user";
    std::string msg = "message " + std::to_string(i);
    text += export_line(conv, role, msg, i);
    expected[conv] += (expected[conv].empty() ? "" : "\n") + role + ": " + msg;
  }
  text += "{\"conversation_id\":\"conv-0\",\"message\":{\"content\":{\"parts\":[\"no author\"]}},\"create_time\":1}\n";
  std::string path = t.write("export.json", text);  // not .jsonl: --map reads JSONL whatever the name
  std::vector<std::string> flags{"--map", "content=message.content.parts.0,document_id=conversation_id,timestamp=create_time,tags=labels",
                                 "--template", "{message.author.role}: {content}"};
  std::vector<std::string> a = cmd(s, {"--json", "--state", t.file("state.json"), "ingest", path});
  a.insert(a.end(), flags.begin(), flags.end());
  RunResult r = e2e::run_memconn(a);
  CHECK(r.exit_code == 1);  // like any bad JSONL line: dead-lettered, the run is partial
  CHECK(r.err.find("export.json:13: missing field \"message.author.role\" (--template {message.author.role}: {content})") !=
        std::string::npos);
  CHECK(e2e::read_file(t.file("dead-letter.jsonl")).find("no author") != std::string::npos);
  CHECK(num(r.out, "/documents") == 3);
  auto docs = by_id(s.documents());
  REQUIRE(docs.size() == 3);
  for (const auto& [id, content] : expected) CHECK_MESSAGE(docs[id].content == content, id);
  CHECK(docs["conv-0"].timestamp.value_or("") == "2023-11-14T22:13:20Z");  // the first part's time
  CHECK(docs["conv-1"].tags == std::vector<std::string>{"chatgpt"});

  // verify reads the export the same way (same ids), so nothing is missing.
  std::vector<std::string> v = cmd(s, {"--json", "verify", path});
  v.insert(v.end(), flags.begin(), flags.end());
  r = e2e::run_memconn(v);
  CHECK(num(r.out, "/missing") == 0);
  CHECK(num(r.out, "/present") == 3);

  // Mistakes in the map are usage errors before anything is read.
  for (std::vector<std::string> bad : {std::vector<std::string>{"--map", "body=text"},
                                       std::vector<std::string>{"--map", "content"},
                                       std::vector<std::string>{"--map", "content=a..b"},
                                       std::vector<std::string>{"--map", "content=text", "--format", "lines"},
                                       std::vector<std::string>{"--template", "{role"}}) {
    std::vector<std::string> b = cmd(s, {"ingest", path});
    b.insert(b.end(), bad.begin(), bad.end());
    RunResult br = e2e::run_memconn(b);
    CHECK_MESSAGE(br.exit_code == 2, bad[1]);
  }
}

TEST_CASE("documents: --map plain fields - text, id and context from other names, a missing mapped field on one line only") {
  Standin s;
  TempDir t;
  std::string path = t.write("x.jsonl",
                             "{\"body\":\"first\",\"thread\":7,\"meta\":{\"channel\":\"ops\"}}\n"
                             "{\"body\":\"second\",\"thread\":7,\"meta\":{\"channel\":\"ops\"}}\n"
                             "{\"thread\":8,\"meta\":{\"channel\":\"ops\"}}\n");
  RunResult r = e2e::run_memconn(cmd(s, {"ingest", path, "--state", t.file("st.json"), "--map",
                                         "content=body,document_id=thread,context=meta.channel"}));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("x.jsonl:3: missing field \"body\" (--map content=body)") != std::string::npos);
  auto docs = by_id(s.documents());
  REQUIRE(docs.size() == 1);
  CHECK(docs["7"].content == "first\nsecond");
  CHECK(docs["7"].context.value_or("") == "ops");
}

TEST_CASE("documents: the same text ingested twice with different --tags is two documents, and verify computes the same ids") {
  Standin s;
  TempDir t;
  std::string path = t.write("facts.txt", "Alice deployed v2\nBob owns billing\n");
  for (const char* tags : {"team-a", "team-b"}) {
    RunResult r = e2e::run_memconn(cmd(s, {"ingest", path, "--tags", tags, "--state", t.file(std::string(tags) + ".json")}));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }
  auto docs = s.documents();
  REQUIRE(docs.size() == 4);  // an upsert would have moved the text out of team-a's reach
  int a = 0, b = 0;
  for (const auto& d : docs) {
    a += d.tags == std::vector<std::string>{"team-a"};
    b += d.tags == std::vector<std::string>{"team-b"};
  }
  CHECK(a == 2);
  CHECK(b == 2);
  // Context counts too; the tags' order does not.
  RunResult r = e2e::run_memconn(cmd(s, {"ingest", path, "--tags", "team-a", "--context", "standup", "--state", t.file("c.json")}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(s.documents().size() == 6);
  r = e2e::run_memconn(cmd(s, {"ingest", path, "--tags", "x,y", "--state", t.file("xy.json")}));
  r = e2e::run_memconn(cmd(s, {"ingest", path, "--tags", "y,x", "--state", t.file("yx.json")}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(s.documents().size() == 8);

  for (const char* tags : {"team-a", "team-b", "y,x"}) {
    r = e2e::run_memconn(cmd(s, {"--json", "verify", path, "--tags", tags}));
    CHECK_MESSAGE(num(r.out, "/present") == 2, tags);
    CHECK_MESSAGE(num(r.out, "/missing") == 0, tags);
  }
  r = e2e::run_memconn(cmd(s, {"--json", "verify", path, "--tags", "team-c"}));
  CHECK(num(r.out, "/missing") == 2);
  CHECK(r.exit_code == 1);
}

TEST_CASE("documents: a state file from before context and tags counted in ids keeps working - nothing committed is re-sent, a one-time note explains the change") {
  Standin s;
  TempDir t;
  std::string path = t.write("facts.txt", "one\ntwo\n");
  std::string state = t.file("state.json");
  std::vector<std::string> a = cmd(s, {"--json", "--state", state, "ingest", path, "--tags", "imported"});
  REQUIRE(e2e::run_memconn(a).exit_code == 0);
  // As an older memconn wrote it: no id_scheme.
  std::string text = e2e::read_file(state);
  auto at = text.find("\"id_scheme\":2,");
  REQUIRE(at != std::string::npos);
  text.erase(at, std::string("\"id_scheme\":2,").size());
  t.write("state.json", text);

  append(path, "three\n");
  long long before = s.stats().items_received();
  RunResult r = e2e::run_memconn(a);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("content-hash document ids now cover") != std::string::npos);
  CHECK(num(r.out, "/sent") == 1);
  CHECK(num(r.out, "/skipped") == 2);
  CHECK(s.stats().items_received() - before == 1);
  r = e2e::run_memconn(a);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("content-hash document ids now cover") == std::string::npos);  // once
  CHECK(num(r.out, "/sent") == 0);
}

TEST_CASE("documents: torture - --unit file over 20 transcripts growing during the runs, 5% 503, 1% lost acks, kill -9s: each document equals its file") {
  constexpr int kFiles = 20, kKills = 6;
  // Some latency keeps each run busy long enough for the kills to land mid-run.
  Standin s({"--fail-rate", "0.05", "--drop-rate", "0.01", "--retry-after", "0", "--seed", "13", "--latency-ms", "120",
             "--fault-scope", "writes"});
  TempDir t;
  std::vector<std::string> files;
  std::vector<std::string> expected(kFiles);
  std::vector<int> turns(kFiles, 0);
  std::mt19937 rng(20261128);
  // A transcript writer appends one whole line per write, as a chat logger does; memconn may
  // still read a line half-written (a write crossing a page), which it must not send half.
  auto grow = [&](int f) {
    std::string line = std::string(turns[f] % 2 ? "B" : "A") + ": turn " + std::to_string(turns[f]) + " of call " +
                       std::to_string(f) + " " + std::string(static_cast<size_t>(rng() % 60), 'x');
    ++turns[f];
    expected[f] += (expected[f].empty() ? "" : "\n") + line;
    line += '\n';
    int fd = ::open(files[f].c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
    ::close(fd);
  };
  for (int f = 0; f < kFiles; ++f) {
    files.push_back(t.file("calls/call" + std::to_string(f) + ".log"));
    if (f == 0) t.write("calls/.keep", "");
    for (int i = 0; i < 8; ++i) grow(f);
  }
  std::vector<std::string> a{"ingest", t.file("calls"), "--unit", "file", "--bank", "b1", "--url", s.url(), "--state",
                             t.file("state/state.json"), "--workers", "4", "--batch-size", "4"};
  std::uniform_int_distribution<int> when_ms(150, 600);
  int killed = 0, lines = kFiles * 8;
  auto started = std::chrono::steady_clock::now();
  for (int k = 0; k < kKills; ++k) {
    pid_t pid = e2e::spawn_memconn(a, {}, t.file("out"), t.file("err"));
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(when_ms(rng));
    while (std::chrono::steady_clock::now() < until) {  // the transcripts grow while memconn reads them
      grow(static_cast<int>(rng() % kFiles));
      ++lines;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(pid, SIGKILL);
    if (e2e::wait_exit(pid, 30) == 128 + SIGKILL) ++killed;  // not a run that had already finished
  }
  // One more run that is not killed while the files still grow, then one after the writers stop.
  pid_t pid = e2e::spawn_memconn(a, {}, t.file("out"), t.file("err"));
  for (int i = 0; i < 40; ++i) {
    grow(static_cast<int>(rng() % kFiles));
    ++lines;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  int grown_run = e2e::wait_exit(pid, 120);
  CHECK_MESSAGE((grown_run == 0 || grown_run == 128 + SIGKILL || grown_run == -1),
                e2e::read_file(t.file("err")) << e2e::read_file(t.file("state/dead-letter.jsonl")));
  if (grown_run == -1) ::kill(pid, SIGKILL), e2e::wait_exit(pid, 30);
  a.push_back("--json");
  RunResult r = e2e::run_memconn(a, {.timeout_s = 120});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(num(r.out, "/skipped") > 0);
  CHECK(killed > 0);
  auto docs = by_id(s.documents());
  REQUIRE(docs.size() == static_cast<size_t>(kFiles));
  int equal = 0;
  for (int f = 0; f < kFiles; ++f) {
    std::string id = std::filesystem::weakly_canonical(files[f]).string();  // --unit file: the canonical path
    CHECK_MESSAGE(docs[id].content == expected[f], id);
    equal += docs[id].content == expected[f];
  }
  CHECK_FALSE(e2e::file_exists(t.file("state/dead-letter.jsonl")));
  auto st = s.stats();
  MESSAGE("file torture: documents=" << kFiles << " lines=" << lines << " kills=" << killed
                                     << " dropped_acks=" << st["faults.dropped"] << " 503s=" << st["faults.503"]
                                     << " retain_requests=" << st.retain_requests() << " equal=" << equal << " elapsed_s="
                                     << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}
