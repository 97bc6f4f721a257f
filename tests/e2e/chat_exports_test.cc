// Issue 20 through the real binary: ChatGPT and Claude.ai exports as people download them,
// one document per conversation, re-imports that send only what changed, damage named.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "harness.h"
#include "ingest/exports/export_fixtures_test.h"

using e2e::JsonDoc;
using e2e::RunResult;
using e2e::Standin;
using e2e::TempDir;
namespace fx = memconn::test_exports;

namespace {

std::string expected_text(const std::vector<std::pair<std::string, std::string>>& turns) {
  std::string out;
  for (const auto& [role, text] : turns) out += (out.empty() ? "" : "\n") + role + ": " + text;
  return out;
}

std::string write_bytes(TempDir& t, const std::string& name, const std::string& bytes) {
  std::string path = t.file(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::vector<std::string> base(const Standin& s, const std::string& state) {
  return {"--url", s.url(), "--bank", "me", "--state", state};
}

RunResult ingest(const Standin& s, const std::string& state, std::vector<std::string> more) {
  auto a = base(s, state);
  a.insert(a.begin(), "--json");
  a.push_back("ingest");
  a.insert(a.end(), more.begin(), more.end());
  return e2e::run_memconn(a);
}

int64_t count(const RunResult& r, const std::string& what) { return e2e::num(JsonDoc(r.out), "/conversations/" + what); }

}  // namespace

TEST_CASE("chat exports: a ChatGPT ZIP and a Claude conversations.json - one exact document per conversation, nothing hidden, abandoned or private") {
  Standin s;
  TempDir t;
  std::string zip = write_bytes(
      t, "chatgpt-export.zip",
      fx::make_zip({{"conversations.json", fx::json_array({fx::chatgpt_traps(), fx::chatgpt_simple("c1", "Q1", "A1")})},
                    {"user.json", R"({"id":"u"})"},
                    {"chat.html", "<html></html>"}}));
  std::string claude = t.write("claude/conversations.json", fx::json_array({fx::claude_traps()}));
  std::string state = t.file("state/state.json");

  RunResult r = ingest(s, state, {zip});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err << r.out);
  CHECK(count(r, "imported") == 2);
  r = ingest(s, state, {claude});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err << r.out);
  CHECK(count(r, "imported") == 1);

  auto traps = s.document("chatgpt:c-traps", "me");
  REQUIRE(traps);
  CHECK(traps->content == expected_text(fx::kChatgptTrapsTurns));
  CHECK(traps->context == std::optional<std::string>("ChatGPT conversation: Traps"));
  CHECK(std::find(traps->tags.begin(), traps->tags.end(), "source:chatgpt") != traps->tags.end());
  auto k = s.document("claude:k-traps", "me");
  REQUIRE(k);
  CHECK(k->content == expected_text(fx::kClaudeTrapsTurns));
  CHECK(std::find(k->tags.begin(), k->tags.end(), "source:claude") != k->tags.end());
  CHECK(s.document("chatgpt:c1", "me")->content == "user: Q1\nassistant: A1");
  for (const auto& d : s.documents())
    for (const auto& never : fx::kNeverImported) CHECK_MESSAGE(d.content.find(never) == std::string::npos, d.document_id << " holds " << never);
  CHECK(s.stats().documents() == 3);
}

TEST_CASE("chat exports: a re-run sends nothing, a longer export sends only the changed and new conversations, each exact") {
  Standin s;
  TempDir t;
  std::string state = t.file("state.json");
  std::string first = write_bytes(t, "export-1.zip",
                                  fx::make_zip({{"conversations.json", fx::json_array({fx::chatgpt_simple("c1", "Q1", "A1"),
                                                                                       fx::chatgpt_simple("c2", "Q2", "A2"),
                                                                                       fx::chatgpt_simple("c3", "Q3", "A3")})}}));
  RunResult r = ingest(s, state, {first});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(count(r, "imported") == 3);
  auto writes = s.stats().retain_requests();

  r = ingest(s, state, {first, "--metrics-file", t.file("metrics.prom")});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(count(r, "unchanged") == 3);
  CHECK(e2e::read_file(t.file("metrics.prom")).find("memconn_last_exit_code{command=\"ingest\"} 0") != std::string::npos);
  CHECK(count(r, "imported") == 0);
  CHECK(s.stats().retain_requests() == writes);  // not one request

  // The next download: c2 went on (a later answer), c4 is new, c1 and c3 are as they were.
  std::string second = write_bytes(
      t, "export-2.zip",
      fx::make_zip({{"conversations.json",
                     fx::json_array({fx::chatgpt_simple("c1", "Q1", "A1"), fx::chatgpt_simple("c2", "Q2", "A2 and more", 1700000900),
                                     fx::chatgpt_simple("c3", "Q3", "A3"), fx::chatgpt_simple("c4", "Q4", "A4")})}}));
  r = ingest(s, state, {second});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  JsonDoc d(r.out);
  CHECK(count(r, "updated") == 1);
  CHECK(count(r, "imported") == 1);
  CHECK(count(r, "unchanged") == 2);
  CHECK(e2e::num(d, "/sent") == 2);
  CHECK(s.document("chatgpt:c2", "me")->content == "user: Q2\nassistant: A2 and more");
  CHECK(s.document("chatgpt:c4", "me")->content == "user: Q4\nassistant: A4");
  CHECK(s.document("chatgpt:c1", "me")->times_received == 1);
  CHECK(s.stats().documents() == 4);
}

TEST_CASE("chat exports: answers lost after the server stored them, and 503s - every conversation ends holding its text once") {
  Standin s({"--drop-rate", "0.3", "--fail-rate", "0.2", "--retry-after", "0", "--seed", "3", "--fault-scope", "writes"});
  TempDir t;
  std::vector<std::string> convs;
  for (int i = 0; i < 30; ++i) convs.push_back(fx::chatgpt_simple("c" + std::to_string(i), "Q" + std::to_string(i), "A" + std::to_string(i)));
  std::string zip = write_bytes(t, "export.zip", fx::make_zip({{"conversations.json", fx::json_array(convs)}}));
  RunResult r = ingest(s, t.file("state.json"), {zip, "--batch-size", "3", "--retries", "10"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err << r.out);
  CHECK(count(r, "imported") == 30);
  CHECK(s.stats().documents() == 30);
  for (int i = 0; i < 30; ++i) {
    auto doc = s.document("chatgpt:c" + std::to_string(i), "me");
    REQUIRE(doc);
    CHECK(doc->content == "user: Q" + std::to_string(i) + "\nassistant: A" + std::to_string(i));
  }
  CHECK(s.stats()["faults.dropped"] > 0);
}

TEST_CASE("chat exports: a damaged conversation is named and dead-lettered, the others imported (exit 1), a truncated ZIP names the file") {
  Standin s;
  TempDir t;
  std::string cycle = R"({"id":"bad","title":"Loop","current_node":"a","mapping":{
    "a":{"id":"a","parent":"b","children":[],"message":{"author":{"role":"user"},"content":{"content_type":"text","parts":["x"]}}},
    "b":{"id":"b","parent":"a","children":["a"],"message":{"author":{"role":"assistant"},"content":{"content_type":"text","parts":["y"]}}}}})";
  std::string json = t.write("export/conversations.json",
                             fx::json_array({fx::chatgpt_simple("c1", "Q1", "A1"), cycle, fx::chatgpt_simple("c2", "Q2", "A2")}));
  std::string state = t.file("state.json");
  RunResult r = ingest(s, state, {t.file("export")});
  CHECK_MESSAGE(r.exit_code == 1, r.err << r.out);
  CHECK(count(r, "imported") == 2);
  CHECK(count(r, "failed") == 1);
  CHECK(r.out.find(R"("status":"failed","document_id":"chatgpt:bad","title":"Loop")") != std::string::npos);
  CHECK(s.stats().documents() == 2);
  std::string dl = e2e::read_file(t.file("dead-letter.jsonl"));
  CHECK(dl.find("chatgpt:bad") != std::string::npos);

  // Text mode: one line per conversation on stderr, data-free stdout.
  r = e2e::run_memconn({"--url", s.url(), "--bank", "me", "--state", state, "ingest", json});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK_MESSAGE(r.err.find("failed chatgpt:bad \"Loop\"") != std::string::npos, r.err);
  CHECK(r.err.find("2 unchanged") != std::string::npos);

  // Cut in the middle of the conversations' data: what came before is imported, the rest is a
  // one-line error naming the file.
  std::vector<std::string> many;
  for (int i = 0; i < 40; ++i) many.push_back(fx::chatgpt_simple("z" + std::to_string(i), "Q", "A"));
  std::string full = fx::make_zip({{"conversations.json", fx::json_array(many)}}, true);
  std::string cut = write_bytes(t, "cut.zip", full.substr(0, full.size() / 2));
  r = ingest(s, state, {cut});
  CHECK(r.exit_code == 1);
  CHECK_MESSAGE(r.err.find("cut.zip") != std::string::npos, r.err << r.out);
}

TEST_CASE("chat exports: --dry-run prints the documents and sends nothing, --since keeps only later conversations") {
  Standin s;
  TempDir t;
  std::string json = t.write("conversations.json", fx::json_array({fx::chatgpt_simple("old", "Q", "A", 1600000000),
                                                                   fx::chatgpt_simple("new", "Q", "A", 1800000000)}));
  std::string state = t.file("state.json");
  RunResult r = e2e::run_memconn({"--url", s.url(), "--bank", "me", "--state", state, "ingest", json, "--dry-run"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("chatgpt:old") != std::string::npos);
  CHECK(r.out.find("chatgpt:new") != std::string::npos);
  CHECK(s.stats().retain_requests() == 0);
  CHECK_FALSE(e2e::file_exists(state));

  r = ingest(s, state, {json, "--since", "2024-01-01"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(count(r, "imported") == 1);
  CHECK(count(r, "skipped") == 1);
  CHECK(s.document("chatgpt:new", "me").has_value());
  CHECK_FALSE(s.document("chatgpt:old", "me").has_value());

  r = ingest(s, state, {json, "--since", "last week"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--since last week") != std::string::npos);
}

TEST_CASE("chat exports: a .json array that is not an export is read record by record like JSONL (--map and --template too), never line by line, resumes, and verify reads it the same way") {
  Standin s;
  TempDir t;
  // Pretty-printed, as exporters write it: read as lines it would be 9 junk memories.
  std::string json = t.write("records.json", "[\n  {\n    \"content\": \"one\"\n  },\n  {\"content\": \"two\",\n   \"tags\": [\"x\"]}\n]\n");
  std::string state = t.file("state.json");
  auto run = [&](std::vector<std::string> more) {
    std::vector<std::string> a{"--json", "--url", s.url(), "--bank", "me", "--state", state, "ingest", json};
    a.insert(a.end(), more.begin(), more.end());
    return e2e::run_memconn(a);
  };
  RunResult r = run({});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(e2e::num(JsonDoc(r.out), "/sent") == 2);
  std::set<std::string> contents;
  for (const auto& d : s.documents()) contents.insert(d.content);
  CHECK(contents == std::set<std::string>{"one", "two"});
  r = run({});
  REQUIRE(r.exit_code == 0);
  CHECK(e2e::num(JsonDoc(r.out), "/sent") == 0);  // resumed past the last element
  r = e2e::run_memconn({"--json", "--url", s.url(), "--bank", "me", "--state", state, "verify", json});
  CHECK_MESSAGE(r.exit_code == 0, r.err << r.out);
  CHECK(e2e::num(JsonDoc(r.out), "/present") == 2);

  // Another tool's array of messages, mapped into one document per conversation.
  std::string msgs = t.write("messages.json", R"([
  {"conv": "c1", "msg": {"role": "user", "text": "hi"}},
  {"conv": "c1", "msg": {"role": "assistant", "text": "hello"}},
  {"conv": "c2", "msg": {"role": "user", "text": "bye"}}
])");
  r = e2e::run_memconn({"--json", "--url", s.url(), "--bank", "me", "--state", state, "ingest", msgs, "--map",
                        "content=msg.text,document_id=conv", "--template", "{msg.role}: {content}"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(s.document("c1", "me")->content == "user: hi\nassistant: hello");
  CHECK(s.document("c2", "me")->content == "user: bye");

  // A truncated array: what came before is sent, the break is named, exit 1.
  std::string cut = t.write("cut.json", "[{\"content\": \"three\"}, {\"content\": \"fo");
  r = e2e::run_memconn({"--url", s.url(), "--bank", "me", "--state", state, "ingest", cut, "--finished"});
  CHECK(r.exit_code == 1);
  CHECK_MESSAGE(r.err.find("cut.json: read error: JSON array") != std::string::npos, r.err);
}

TEST_CASE("chat exports: verify compares each conversation's text with the server, --repair re-sends the missing one, then verify is complete") {
  Standin s;
  TempDir t;
  std::string zip = write_bytes(t, "export.zip",
                                fx::make_zip({{"conversations.json", fx::json_array({fx::chatgpt_simple("c1", "Q1", "A1"),
                                                                                     fx::chatgpt_simple("c2", "Q2", "A2"),
                                                                                     fx::claude_simple("k1", "Q3", "A3")})}}));
  std::string state = t.file("state.json");
  REQUIRE(ingest(s, state, {zip}).exit_code == 0);
  std::vector<std::string> v = base(s, state);
  v.insert(v.begin(), "--json");
  v.insert(v.end(), {"verify", zip});
  RunResult r = e2e::run_memconn(v);
  CHECK_MESSAGE(r.exit_code == 0, r.err << r.out);
  CHECK(e2e::num(JsonDoc(r.out), "/expected") == 3);
  CHECK(e2e::num(JsonDoc(r.out), "/present") == 3);

  // Someone deletes a conversation's document on the server: the state still says it was sent.
  auto del = s.http("DELETE", "/v1/default/banks/me/documents/chatgpt%3Ac2");
  REQUIRE(del.status == 200);
  r = e2e::run_memconn(v);
  CHECK(r.exit_code == 1);
  CHECK(e2e::num(JsonDoc(r.out), "/missing") == 1);
  CHECK(r.out.find("chatgpt:c2") != std::string::npos);
  auto repair = v;
  repair.push_back("--repair");
  r = e2e::run_memconn(repair);
  CHECK_MESSAGE(r.exit_code == 0, r.err << r.out);
  CHECK(s.document("chatgpt:c2", "me")->content == "user: Q2\nassistant: A2");
  r = e2e::run_memconn(v);
  CHECK_MESSAGE(r.exit_code == 0, r.err << r.out);
  CHECK(s.stats().documents() == 3);
}
