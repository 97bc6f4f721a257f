// Issue 18 (2): `ingest --target NAME` feeds files to any configured target, LightRAG included,
// with the same resume, documents and report as the --url/--bank shortcut for Hindsight.
#include <doctest/doctest.h>

#include "harness.h"

using e2e::JsonDoc;
using e2e::RunResult;
using e2e::Standin;
using e2e::TempDir;

namespace {

std::string config_for(const Standin& rag, const Standin& hs) {
  return "[state]\npath = \"state.json\"\n"
         "[targets.rag]\nkind = \"lightrag\"\nurl = \"" + rag.url() + "\"\n"
         "[targets.team]\nkind = \"hindsight\"\nurl = \"" + hs.url() + "\"\nbank = \"team\"\n";
}

RunResult run(const std::string& config, std::vector<std::string> args) {
  args.insert(args.begin(), {"--config", config});
  return e2e::run_memconn(args);
}

}  // namespace

TEST_CASE("ingest --target: lines and a --unit file document go to a configured LightRAG target, resume, and a grown file replaces its document") {
  Standin rag({"--op-ms", "10"}, "lightrag");
  Standin hs;
  TempDir t;
  std::string cfg = t.write("memconn.toml", config_for(rag, hs));
  std::string notes = t.write("notes.txt", "first fact\nsecond fact\nthird fact\n");

  RunResult r = run(cfg, {"--json", "ingest", notes, "--target", "rag"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  JsonDoc d(r.out);
  CHECK(e2e::num(d, "/sent") == 3);
  CHECK(rag.stats().documents() == 3);
  CHECK(hs.stats().documents() == 0);  // the other configured target is untouched
  std::set<std::string> contents;
  for (const auto& doc : rag.documents()) contents.insert(doc.content);
  CHECK(contents == std::set<std::string>{"first fact", "second fact", "third fact"});

  // Resume: a re-run sends nothing; an appended line is the only new insert.
  r = run(cfg, {"--json", "ingest", notes, "--target", "rag"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(e2e::num(JsonDoc(r.out), "/sent") == 0);
  t.write("notes.txt", "first fact\nsecond fact\nthird fact\nfourth fact\n");
  r = run(cfg, {"--json", "ingest", notes, "--target", "rag"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(e2e::num(JsonDoc(r.out), "/sent") == 1);
  CHECK(rag.stats().documents() == 4);
  CHECK(rag.stats()["duplicated"] == 0);

  // A whole-file document on LightRAG: a grown transcript replaces its document (delete, then
  // insert under the same file_source), so the store holds the whole new text once.
  t.write("calls/call.log", "A: hello\nB: hi\n");
  r = run(cfg, {"--json", "ingest", t.file("calls"), "--unit", "file", "--target", "rag"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  t.write("calls/call.log", "A: hello\nB: hi\nA: bye\n");
  r = run(cfg, {"--json", "ingest", t.file("calls"), "--unit", "file", "--target", "rag"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  int found = 0;
  for (const auto& doc : rag.documents())
    if (doc.content.find("A: hello") != std::string::npos) {
      ++found;
      CHECK(doc.content == "A: hello\nB: hi\nA: bye");
    }
  CHECK(found == 1);

  // verify reads the LightRAG inventory of the same target.
  r = run(cfg, {"--json", "verify", notes, "--target", "rag"});
  CHECK_MESSAGE(r.exit_code == 0, r.err << r.out);
}

TEST_CASE("ingest --target: an unknown name lists the configured targets (exit 2), --target with --bank is a usage error") {
  Standin rag({}, "lightrag");
  Standin hs;
  TempDir t;
  std::string cfg = t.write("memconn.toml", config_for(rag, hs));
  std::string notes = t.write("notes.txt", "a fact\n");
  RunResult r = run(cfg, {"ingest", notes, "--target", "ragg"});
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.err.find("--target ragg: no such target") != std::string::npos, r.err);
  CHECK(r.err.find("rag, team") != std::string::npos);
  r = run(cfg, {"ingest", notes, "--target", "rag", "--bank", "x"});
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.err.find("--url and --bank do not apply") != std::string::npos, r.err);
  CHECK(rag.stats().documents() == 0);
  CHECK(hs.stats().documents() == 0);
  // The Hindsight row of the config works the same way.
  r = run(cfg, {"--json", "ingest", notes, "--target", "team"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(hs.document("", "team").has_value() == false);  // ids are content hashes, not ""
  CHECK(hs.texts("team").size() == 1);
}

TEST_CASE("ingest --target: conversations on LightRAG under 503s and answers lost after the insert - each document ends holding its turns once") {
  Standin rag({"--op-ms", "5", "--fail-rate", "0.1", "--drop-rate", "0.1", "--retry-after", "0", "--seed", "5",
               "--fault-scope", "writes"},
              "lightrag");
  Standin hs;
  TempDir t;
  std::string cfg = t.write("memconn.toml", config_for(rag, hs));
  std::map<std::string, std::string> expected;
  std::string jsonl;
  auto add_turns = [&](int from, int to) {
    for (int turn = from; turn < to; ++turn)
      for (int c = 0; c < 5; ++c) {
        std::string id = "conv" + std::to_string(c), text = "turn " + std::to_string(turn) + " of " + id;
        jsonl += R"({"document_id":")" + id + R"(","content":")" + text + "\"}\n";
        expected[id] += (expected[id].empty() ? "" : "\n") + text;
      }
    t.write("chat.jsonl", jsonl);
  };
  add_turns(0, 4);
  std::vector<std::string> a{"ingest", t.file("chat.jsonl"), "--target", "rag", "--retries", "8", "--workers", "3"};
  RunResult r = run(cfg, a);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  add_turns(4, 7);  // the conversations go on: every document is replaced by its longer text
  r = run(cfg, a);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::map<std::string, std::string> stored;
  for (const auto& d : rag.documents()) stored[d.content.substr(d.content.rfind(' ') + 1)] = d.content;
  CHECK(rag.stats().documents() == 5);
  CHECK(stored == expected);
  auto st = rag.stats();
  MESSAGE("lightrag documents: 503s=" << st["faults.503"] << " dropped=" << st["faults.dropped"]);
  CHECK(st["faults.dropped"] > 0);
}
