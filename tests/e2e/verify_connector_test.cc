// Issue 12, `memconn verify --connector NAME` through the real binary: the Memory API
// stand-in read again up to the connector's cursor and compared with the LightRAG or
// Hindsight stand-in — complete, documents the server silently dropped (and --repair),
// documents that failed to index (reprocess_failed), documents still in the pipeline, an
// edit the target never got (stale), and bad usage.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "connector_world.h"
#include "harness.h"

using namespace e2e;
using namespace std::chrono_literals;

namespace {

// Waits until the LightRAG stand-in has indexed n documents (its pipeline runs on a clock).
void wait_processed(Standin& rag, long long n) {
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (rag.stats()["processed_documents"] < n && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  REQUIRE(rag.stats()["processed_documents"] == n);
}

// LightRAG file sources, or Hindsight document ids, the target stand-in holds.
std::set<std::string> stored_ids(Standin& target) {
  std::set<std::string> out;
  for (const auto& d : target.documents()) out.insert(d.file_source.empty() ? d.document_id : d.file_source);
  return out;
}

std::string str_at(const JsonDoc& d, const std::string& pointer) {
  std::string_view sv;
  if (d.root().at_pointer(pointer).get_string().get(sv)) FAIL("no string at " << pointer << " in " << d.text());
  return std::string(sv);
}

std::string state_field(const World& w, const char* field) {
  JsonDoc s(read_file(w.state));
  return str_at(s, std::string("/connectors/p2r/") + field);
}

}  // namespace

TEST_CASE("verify --connector: a LightRAG target holding every synced memory exits 0 - newer memories are not synced yet, not missing") {
  World w({"--generate", "ctx1:40"}, "lightrag", {"--op-ms", "20"});
  auto n = static_cast<long long>(w.non_empty());
  auto sync = w.run({"sync"});
  REQUIRE_MESSAGE(sync.exit_code == 0, sync.err);
  wait_processed(w.target, n);
  w.memories.post("/_standin/memories", memories_body("late", {"recorded after the sync"}));

  auto r = w.run({"--json", "verify", "--connector", "p2r"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err << r.out);
  JsonDoc d(r.out);
  CHECK(str_at(d, "/result") == "complete");
  CHECK(str_at(d, "/connector") == "p2r");
  CHECK(str_at(d, "/target") == "lightrag");
  CHECK(num(d, "/expected") == n);
  CHECK(num(d, "/present") == n);
  CHECK(num(d, "/missing") == 0);
  CHECK(num(d, "/stale") == 0);
  CHECK(num(d, "/unchecked") == 0);  // every content_length was predictable and compared
  CHECK(num(d, "/extra") == 0);
  CHECK(num(d, "/not_synced") == 1);
  CHECK(num(d, "/documents_failed") == 0);
  CHECK(num(d, "/documents_open") == 0);
  // Read-only: the state is as the sync left it.
  CHECK(read_file(w.state).find("verify") == std::string::npos);

  auto text = w.run({"verify", "--connector", "p2r"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("connector p2r -> LightRAG at " + w.target.url()) != std::string::npos);
  CHECK(text.out.find("result: complete") != std::string::npos);
}

TEST_CASE("verify --connector: documents LightRAG silently dropped are reported exactly and --repair restores them through a connector run") {
  World w({"--generate", "ctx1:40"}, "lightrag", {"--op-ms", "20", "--drop-documents-every", "6"});
  auto n = static_cast<long long>(w.non_empty());
  REQUIRE(w.run({"sync"}).exit_code == 0);
  long long dropped = w.target.stats()["dropped_documents"];
  REQUIRE(dropped >= 5);
  wait_processed(w.target, n - dropped);
  std::string cursor = state_field(w, "cursor"), last_success = state_field(w, "last_success");

  auto r = w.run({"--json", "verify", "--connector", "p2r"});
  CHECK_MESSAGE(r.exit_code == 1, r.err);
  JsonDoc d(r.out);
  CHECK(num(d, "/expected") == n);
  CHECK(num(d, "/missing") == dropped);
  CHECK(num(d, "/present") == n - dropped);
  auto missing = ids_at(d, "/missing_documents");
  CHECK(missing.size() == static_cast<size_t>(dropped));
  auto stored = stored_ids(w.target);
  for (const auto& id : missing) CHECK_MESSAGE(stored.count(id) == 0, id << " is stored, yet reported missing");
  CHECK(str_at(d, "/missing_documents/0/record_id").size() > 0);

  w.target.config(R"({"drop_documents_every":0})");
  long long received = w.target.stats().items_received();
  auto repair = w.run({"--json", "verify", "--connector", "p2r", "--repair"});
  CHECK_MESSAGE(repair.exit_code == 0, repair.err << repair.out);
  JsonDoc rd(repair.out);
  CHECK(num(rd, "/repair/resent") == dropped);
  CHECK(w.target.stats().items_received() - received == dropped);  // only what was missing
  CHECK(num(rd, "/repair/ingest_exit_code") == 0);
  wait_processed(w.target, n);
  for (const auto& id : missing) CHECK(stored_ids(w.target).count(id) == 1);

  // Through a connector run: recorded in its history, without standing in for a sync.
  JsonDoc status(w.run({"status", "--json"}).out);
  CHECK(str_at(status, "/connectors/0/last_run/command") == "verify --repair");
  CHECK(state_field(w, "cursor") == cursor);
  CHECK(state_field(w, "last_success") == last_success);

  auto again = w.run({"verify", "--connector", "p2r"});
  CHECK_MESSAGE(again.exit_code == 0, again.out << again.err);
}

TEST_CASE("verify --connector: documents LightRAG failed to index are reported with its error - --repair has it reprocess them") {
  World w({"--generate", "ctx1:0"}, "lightrag", {"--op-ms", "20", "--fail-op-marker", "POISON"});
  w.memories.post("/_standin/memories", memories_body("m", {"an ordinary memory", "a POISON memory", "one more"}));
  w.run({"sync"});
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (w.target.stats()["failed_documents"] < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  wait_processed(w.target, 2);

  auto r = w.run({"--json", "verify", "--connector", "p2r"});
  CHECK_MESSAGE(r.exit_code == 1, r.err);
  JsonDoc d(r.out);
  CHECK(num(d, "/missing") == 0);
  CHECK(num(d, "/documents_failed") == 1);
  CHECK(str_at(d, "/failed_documents/0/document_id") == "memory_ctx1_m1.txt");
  CHECK(str_at(d, "/failed_documents/0/error").find("extraction failed") != std::string::npos);
  CHECK(str_at(d, "/failed_documents/0/server_id").starts_with("doc-"));
  auto text = w.run({"verify", "--connector", "p2r"});
  CHECK(text.out.find("failed  memory_ctx1_m1.txt") != std::string::npos);

  w.target.config(R"({"fail_op_marker":""})");
  auto repair = w.run({"--json", "verify", "--connector", "p2r", "--repair"});
  CHECK_MESSAGE(repair.exit_code == 0, repair.err);
  CHECK(num(JsonDoc(repair.out), "/repair/reprocessed") == 1);
  CHECK(w.target.stats()["reprocess_failed_requests"] == 1);
  wait_processed(w.target, 3);
  auto again = w.run({"verify", "--connector", "p2r"});
  CHECK_MESSAGE(again.exit_code == 0, again.out);
}

TEST_CASE("verify --connector: documents still in LightRAG's pipeline are open, exit 1") {
  World w({"--generate", "ctx1:0"}, "lightrag", {"--op-ms", "600000"});
  w.memories.post("/_standin/memories", memories_body("m", {"first", "second"}));
  REQUIRE(w.run({"sync"}).exit_code == 0);
  auto r = w.run({"--json", "verify", "--connector", "p2r"});
  CHECK_MESSAGE(r.exit_code == 1, r.err);
  JsonDoc d(r.out);
  CHECK(num(d, "/missing") == 0);
  CHECK(num(d, "/documents_open") == 2);
  auto status = str_at(d, "/open_documents/0/status");
  CHECK((status == "pending" || status == "processing"));
  CHECK(ids_at(d, "/open_documents") == std::set<std::string>{"memory_ctx1_m0.txt", "memory_ctx1_m1.txt"});
}

TEST_CASE("verify --connector: an edit LightRAG never got is stale (content_length) and --repair replaces it") {
  World w({"--generate", "ctx1:0"}, "lightrag", {"--op-ms", "20"});
  w.memories.post("/_standin/memories", memories_body("m", {"a short note", "another note"}));
  REQUIRE(w.run({"sync"}).exit_code == 0);
  wait_processed(w.target, 2);
  w.memories.post("/_standin/memories/edit", R"({"context":"ctx1","id":"m0","transcript":"a short note, now much longer"})");

  auto r = w.run({"--json", "verify", "--connector", "p2r"});
  CHECK_MESSAGE(r.exit_code == 1, r.err);
  JsonDoc d(r.out);
  CHECK(num(d, "/stale") == 1);
  CHECK(ids_at(d, "/stale_documents") == std::set<std::string>{"memory_ctx1_m0.txt"});

  auto repair = w.run({"verify", "--connector", "p2r", "--repair"});
  CHECK_MESSAGE(repair.exit_code == 0, repair.err << repair.out);
  wait_processed(w.target, 2);
  bool replaced = false;
  for (const auto& doc : w.target.documents())
    if (doc.file_source == "memory_ctx1_m0.txt") replaced = doc.content.find("much longer") != std::string::npos;
  CHECK(replaced);
  auto again = w.run({"verify", "--connector", "p2r"});
  CHECK_MESSAGE(again.exit_code == 0, again.out);
}

TEST_CASE("verify --connector: a Hindsight target - documents the bank lost are found and re-sent with the connector's tags") {
  World w({"--generate", "ctx1:30"}, "hindsight", {"--drop-documents-every", "5"});
  auto n = static_cast<long long>(w.non_empty());
  REQUIRE(w.run({"sync"}).exit_code == 0);
  long long dropped = w.target.stats()["dropped_documents"];
  REQUIRE(dropped >= 3);

  auto r = w.run({"--json", "verify", "--connector", "p2r"});
  CHECK_MESSAGE(r.exit_code == 1, r.err);
  JsonDoc d(r.out);
  CHECK(str_at(d, "/target") == "hindsight");
  CHECK(str_at(d, "/bank") == "team");
  CHECK(num(d, "/expected") == n);
  CHECK(num(d, "/missing") == dropped);
  CHECK(num(d, "/stale") == 0);  // content hashes compared: the connector's documents match
  CHECK(num(d, "/unchecked") == 0);
  auto missing = ids_at(d, "/missing_documents");
  auto stored = stored_ids(w.target);
  for (const auto& id : missing) CHECK(stored.count(id) == 0);

  w.target.config(R"({"drop_documents_every":0})");
  long long received = w.target.stats().items_received();
  auto repair = w.run({"verify", "--connector", "p2r", "--repair"});
  CHECK_MESSAGE(repair.exit_code == 0, repair.err << repair.out);
  CHECK(w.target.stats().items_received() - received == dropped);
  for (const auto& doc : w.target.documents()) {
    if (!missing.count(doc.document_id)) continue;
    CHECK(std::find(doc.tags.begin(), doc.tags.end(), "pendant") != doc.tags.end());
    CHECK(doc.metadata["connector"] == "p2r");
  }
  auto again = w.run({"--json", "verify", "--connector", "p2r"});
  CHECK_MESSAGE(again.exit_code == 0, again.out);
  CHECK(num(JsonDoc(again.out), "/present") == n);
}

TEST_CASE("verify --connector: bad usage is one line and exit 2") {
  World w({"--generate", "ctx1:3"});
  TempDir t;
  auto both = w.run({"verify", "--connector", "p2r", t.write("notes.txt", "a note\n")});
  CHECK(both.exit_code == 2);
  CHECK(both.err.find("not both") != std::string::npos);
  CHECK(std::count(both.err.begin(), both.err.end(), '\n') == 1);

  auto unknown = w.run({"verify", "--connector", "nope"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("unknown connector \"nope\" (configured: p2r)") != std::string::npos);
  CHECK(std::count(unknown.err.begin(), unknown.err.end(), '\n') == 1);

  auto async = w.run({"verify", "--connector", "p2r", "--repair", "--async"});
  CHECK(async.exit_code == 2);
  CHECK(unknown.out.empty());
}

TEST_CASE("verify --connector: a Hindsight document with no memory units is empty - --repair has it reprocessed") {
  World w({"--generate", "ctx1:0"}, "hindsight", {"--empty-marker", "NOTHING"});
  w.memories.post("/_standin/memories", memories_body("m", {"a memory with facts", "NOTHING to extract here"}));
  REQUIRE(w.run({"sync"}).exit_code == 0);

  auto r = w.run({"--json", "verify", "--connector", "p2r"});
  CHECK_MESSAGE(r.exit_code == 1, r.err);
  JsonDoc d(r.out);
  CHECK(num(d, "/missing") == 0);
  CHECK(num(d, "/empty") == 1);
  CHECK(ids_at(d, "/empty_documents") == std::set<std::string>{"memory_ctx1_m1"});

  auto repair = w.run({"--json", "verify", "--connector", "p2r", "--repair"});
  CHECK_MESSAGE(repair.exit_code == 0, repair.err);
  CHECK(num(JsonDoc(repair.out), "/repair/reprocessed") == 1);
  CHECK(num(JsonDoc(repair.out), "/repair/resent") == 0);
  auto again = w.run({"verify", "--connector", "p2r"});
  CHECK_MESSAGE(again.exit_code == 0, again.out);
}
