// Issue 12, `memconn verify` through the real binary against the Hindsight stand-in: a
// complete bank, documents the server silently lost (and --repair), edited inputs (stale),
// empty documents, failed and stuck operations, and --wait-timeout.
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <thread>

#include "harness.h"

using e2e::JsonDoc;
using e2e::RunResult;
using e2e::Standin;
using e2e::TempDir;
using e2e::ids_at;
using e2e::num;

namespace {

std::vector<std::string> with(const Standin& s, std::vector<std::string> more) {
  std::vector<std::string> a{"--url", s.url(), "--bank", "b1"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

std::string jsonl(int n, const std::string& suffix = "") {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += "{\"id\":\"doc-" + std::to_string(i) + "\",\"content\":\"note number " + std::to_string(i) + suffix + "\"}\n";
  return s;
}

// Verify until it exits 0 (async work settles on the stand-in's clock) or the deadline passes.
RunResult verify_until_clean(const Standin& s, const std::string& path) {
  RunResult r;
  for (int i = 0; i < 60; ++i) {
    r = e2e::run_memconn(with(s, {"--json", "verify", path}));
    if (r.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return r;
}

}  // namespace

TEST_CASE("verify: a complete bank exits 0 and counts every document as present") {
  Standin s;
  TempDir t;
  std::string path = t.write("notes.jsonl", jsonl(25));
  REQUIRE(e2e::run_memconn(with(s, {"ingest", path})).exit_code == 0);
  RunResult r = e2e::run_memconn(with(s, {"--json", "verify", path}));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err << r.out);
  JsonDoc d(r.out);
  CHECK(num(d, "/expected") == 25);
  CHECK(num(d, "/present") == 25);
  CHECK(num(d, "/missing") == 0);
  CHECK(num(d, "/stale") == 0);
  CHECK(num(d, "/empty") == 0);
  CHECK(num(d, "/extra") == 0);
  CHECK(num(d, "/unchecked") == 0);  // the stand-in gives SHA-256 content hashes: every one compared

  RunResult text = e2e::run_memconn(with(s, {"verify", path}));
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("result: complete") != std::string::npos);
  CHECK(text.err.empty());
}

TEST_CASE("verify: documents the server silently dropped are reported exactly and --repair restores them") {
  Standin s({"--drop-documents-every", "4"});
  TempDir t;
  std::string path = t.write("notes.txt", [] {
    std::string s;
    for (int i = 0; i < 40; ++i) s += "plain line " + std::to_string(i) + "\n";
    return s;
  }());
  REQUIRE(e2e::run_memconn(with(s, {"ingest", path, "-b", "5"})).exit_code == 0);
  REQUIRE(s.stats()["dropped_documents"] == 10);
  std::set<std::string> stored;
  for (const auto& d : s.documents()) stored.insert(d.document_id);
  REQUIRE(stored.size() == 30);

  // An extra document that the inputs do not hold: reported, but not a failure.
  s.post("/v1/default/banks/b1/memories", R"({"items":[{"content":"from elsewhere","document_id":"other"}]})");

  RunResult r = e2e::run_memconn(with(s, {"--json", "verify", path}));
  CHECK(r.exit_code == 1);
  JsonDoc d(r.out);
  CHECK(num(d, "/expected") == 40);
  CHECK(num(d, "/missing") == 10);
  CHECK(num(d, "/extra") == 1);
  CHECK(ids_at(d, "/extra_documents") == std::set<std::string>{"other"});
  auto missing = ids_at(d, "/missing_documents");
  CHECK(missing.size() == 10);
  for (const auto& id : missing) CHECK_MESSAGE(stored.count(id) == 0, id);

  s.config(R"({"drop_documents_every":0})");
  RunResult rep = e2e::run_memconn(with(s, {"verify", path, "--repair"}));
  CHECK_MESSAGE(rep.exit_code == 0, rep.err << rep.out);
  CHECK(rep.out.find("repair: 10 re-sent") != std::string::npos);
  CHECK(s.stats().items_received() == 40 + 1 + 10);  // only the lost ones went again

  RunResult again = e2e::run_memconn(with(s, {"--json", "verify", path}));
  CHECK_MESSAGE(again.exit_code == 0, again.out);
  CHECK(num(JsonDoc(again.out), "/missing") == 0);
}

TEST_CASE("verify: edited inputs are stale until --repair sends the new content") {
  Standin s;
  TempDir t;
  std::string path = t.write("notes.jsonl", jsonl(10));
  REQUIRE(e2e::run_memconn(with(s, {"ingest", path})).exit_code == 0);
  // doc-3 and doc-7 change; ids stay.
  std::string edited = jsonl(10);
  for (std::string id : {"3", "7"}) {
    std::string from = "note number " + id + "\"";
    edited.replace(edited.find(from), from.size(), "note number " + id + " (edited)\"");
  }
  t.write("notes.jsonl", edited);
  RunResult r = e2e::run_memconn(with(s, {"--json", "verify", path}));
  CHECK(r.exit_code == 1);
  JsonDoc d(r.out);
  CHECK(num(d, "/stale") == 2);
  CHECK(num(d, "/missing") == 0);
  CHECK(ids_at(d, "/stale_documents") == std::set<std::string>{"doc-3", "doc-7"});

  RunResult text = e2e::run_memconn(with(s, {"verify", path}));
  CHECK(text.out.find("stale   doc-3  " + path + ":4") != std::string::npos);

  RunResult rep = e2e::run_memconn(with(s, {"verify", path, "--repair"}));
  CHECK_MESSAGE(rep.exit_code == 0, rep.err << rep.out);
  RunResult again = e2e::run_memconn(with(s, {"verify", path}));
  CHECK_MESSAGE(again.exit_code == 0, again.out);
  for (const auto& doc : s.documents())
    if (doc.document_id == "doc-3") CHECK(doc.content == "note number 3 (edited)");
}

TEST_CASE("verify: empty documents are reported and --repair asks the server to reprocess them") {
  Standin s({"--empty-marker", "EMPTY"});
  TempDir t;
  std::string path = t.write("notes.jsonl", jsonl(5) + R"({"id":"hollow","content":"EMPTY extraction"})" "\n");
  REQUIRE(e2e::run_memconn(with(s, {"ingest", path})).exit_code == 0);
  RunResult r = e2e::run_memconn(with(s, {"--json", "verify", path}));
  CHECK(r.exit_code == 1);
  JsonDoc d(r.out);
  CHECK(num(d, "/empty") == 1);
  CHECK(num(d, "/missing") == 0);
  CHECK(ids_at(d, "/empty_documents") == std::set<std::string>{"hollow"});

  RunResult rep = e2e::run_memconn(with(s, {"--json", "verify", path, "--repair"}));
  CHECK_MESSAGE(rep.exit_code == 0, rep.err << rep.out);
  CHECK(num(JsonDoc(rep.out), "/repair/reprocessed") == 1);
  CHECK(num(JsonDoc(rep.out), "/repair/resent") == 0);
  RunResult again = e2e::run_memconn(with(s, {"verify", path}));
  CHECK_MESSAGE(again.exit_code == 0, again.out);
}

TEST_CASE("verify: failed operations are listed and --repair retries them through the server") {
  Standin s({"--fail-op-marker", "BROKEN", "--op-ms", "100"});
  TempDir t;
  std::string path = t.write("notes.jsonl", jsonl(4) + R"({"id":"bad","content":"BROKEN once"})" "\n");
  RunResult in = e2e::run_memconn(with(s, {"ingest", path, "--async", "--wait", "-b", "1"}));
  REQUIRE(in.exit_code == 1);  // the failed operation
  RunResult r = e2e::run_memconn(with(s, {"--json", "verify", path}));
  CHECK(r.exit_code == 1);
  JsonDoc d(r.out);
  CHECK(num(d, "/missing") == 1);
  CHECK(ids_at(d, "/failed_operations").size() == 1);

  s.config(R"({"fail_op_marker":""})");
  RunResult rep = e2e::run_memconn(with(s, {"--json", "verify", path, "--repair"}));
  CHECK_MESSAGE(rep.exit_code == 0, rep.err << rep.out);
  CHECK(num(JsonDoc(rep.out), "/repair/operations_retried") == 1);
  RunResult again = verify_until_clean(s, path);
  CHECK_MESSAGE(again.exit_code == 0, again.out);
}

TEST_CASE("verify and --wait-timeout: a stuck operation ends the wait (exit 1, named) and verify lists it") {
  Standin s({"--stuck-op-marker", "STUCK", "--op-ms", "50"});
  TempDir t;
  std::string path = t.write("notes.jsonl", jsonl(3) + R"({"id":"stuck","content":"STUCK forever"})" "\n");
  auto started = std::chrono::steady_clock::now();
  RunResult in = e2e::run_memconn(with(s, {"--json", "ingest", path, "--async", "--wait", "--wait-timeout", "2s", "-b", "10"}));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(in.exit_code == 1);
  CHECK(took < 30);
  JsonDoc rep(in.out);
  auto pending = ids_at(rep, "/operations/pending");
  REQUIRE(pending.size() == 1);
  CHECK(in.err.find(*pending.begin()) != std::string::npos);
  CHECK(in.err.find("still pending") != std::string::npos);

  RunResult v = e2e::run_memconn(with(s, {"--json", "verify", path}));
  CHECK(v.exit_code == 1);
  JsonDoc d(v.out);
  CHECK(num(d, "/missing") == 4);  // the whole request is in the stuck operation
  CHECK(ids_at(d, "/open_operations").size() == 1);
  RunResult text = e2e::run_memconn(with(s, {"verify", path}));
  CHECK(text.out.find("pending operation ") != std::string::npos);
}

TEST_CASE("verify: usage errors name the problem (exit 2)") {
  Standin s;
  RunResult none = e2e::run_memconn(with(s, {"verify"}));
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("no input given") != std::string::npos);
  RunResult stdin_repair = e2e::run_memconn(with(s, {"verify", "-", "--repair"}), {.stdin_data = "x\n"});
  CHECK(stdin_repair.exit_code == 2);
  CHECK(stdin_repair.err.find("stdin") != std::string::npos);
  RunResult async_only = e2e::run_memconn(with(s, {"verify", "-", "--async"}), {.stdin_data = "x\n"});
  CHECK(async_only.exit_code == 2);
}
