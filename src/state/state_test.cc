#include "state/state.h"

#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("state round-trips through JSON") {
  State s;
  FileCheckpoint c;
  c.fingerprint = {1, 2, 300, 300, "abc"};
  c.offset = 120;
  c.line = 7;
  c.shape = "format=jsonl\ntags=a\n";
  s.files["bank|/x"] = c;
  RunRecord r{"ingest", "t0", "t1", "ok", 5, 0, 0, 0, ""};
  add_run(s.runs, r);
  ConnectorState cs;
  cs.cursor = "2024-01-01T00:00:00Z";
  cs.recent_ids.push_back({"m1", "2024-01-01T00:00:00Z", 0xfedcba9876543210ull});
  cs.pending_updates.push_back({"m3", "2024-01-01T00:00:02Z", 0x0123456789abcdefull, "memory_c_m3.txt", "new text"});
  cs.total_updated = 4;
  cs.empty_ids.push_back({"m2", "2024-01-01T00:00:01Z"});
  cs.running_pid = 42;
  cs.running_since = "2024-01-02T00:00:00Z";
  RunRecord cr{"sync c", "t0", "t1", "ok", 3, 0, 1, 2, "", 7, 1, "full response"};
  add_run(cs.runs, cr);
  s.connectors["c"] = cs;
  auto back = decode_state(encode_state(s), "s.json");
  REQUIRE(back.ok());
  CHECK(back->files["bank|/x"].offset == 120);
  CHECK(back->files["bank|/x"].fingerprint.head_sha256 == "abc");
  CHECK(back->files["bank|/x"].shape == "format=jsonl\ntags=a\n");
  CHECK(back->runs[0].sent == 5);
  CHECK(back->connectors["c"].recent_ids[0].id == "m1");
  CHECK(back->connectors["c"].recent_ids[0].digest == 0xfedcba9876543210ull);
  CHECK(back->connectors["c"].empty_ids[0].digest == 0);
  REQUIRE(back->connectors["c"].pending_updates.size() == 1);
  CHECK(back->connectors["c"].pending_updates[0].digest == 0x0123456789abcdefull);
  CHECK(back->connectors["c"].pending_updates[0].text == "new text");
  CHECK(back->connectors["c"].total_updated == 4);
  CHECK(back->connectors["c"].empty_ids[0].id == "m2");
  CHECK(back->connectors["c"].empty_ids[0].created_at == "2024-01-01T00:00:01Z");
  CHECK(back->connectors["c"].running_pid == 42);
  CHECK(back->connectors["c"].running_since == "2024-01-02T00:00:00Z");
  const auto& run = back->connectors["c"].runs.at(0);
  CHECK(run.fetched == 7);
  CHECK(run.skipped_empty == 1);
  CHECK(run.warning == "full response");
  CHECK(run.duplicates == 1);
  // Ingest runs carry no connector counters, so their records stay as they were.
  CHECK(encode_state(s).find("\"fetched\":0") == std::string::npos);
}

TEST_CASE("a corrupt or truncated state file is an error that says how to recover") {
  auto r = decode_state("{\"version\":1,\"files\":{", "/tmp/s.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().exit_code == 3);
  CHECK(r.error().message.find("/tmp/s.json is corrupt") != std::string::npos);
  CHECK(r.error().message.find("--reset-state") != std::string::npos);
  CHECK_FALSE(decode_state("{\"version\":99,\"files\":{}}", "s").ok());
}

TEST_CASE("run history keeps the last 50") {
  std::vector<RunRecord> runs;
  for (int i = 0; i < 60; ++i) add_run(runs, RunRecord{std::to_string(i), "", "", "", 0, 0, 0, 0, ""});
  CHECK(runs.size() == 50);
  CHECK(runs.front().command == "10");
}

TEST_CASE("resume verdicts: grown file continues, replaced or truncated starts over") {
  FileCheckpoint saved;
  saved.fingerprint = {1, 2, 100, 100, "h"};
  saved.offset = 100;
  CHECK(judge_resume(saved, {1, 2, 150, 100, ""}, "h") == ResumeVerdict::Continue);
  CHECK(judge_resume(saved, {1, 3, 150, 100, ""}, "h") == ResumeVerdict::Replaced);
  CHECK(judge_resume(saved, {1, 2, 50, 50, ""}, "h") == ResumeVerdict::Replaced);
  CHECK(judge_resume(saved, {1, 2, 150, 100, ""}, "other") == ResumeVerdict::Replaced);
}

TEST_CASE("state keeps each target's conversation digests and pending operations across a round trip") {
  State s;
  s.conversations["hindsight:http://h#me"]["chatgpt:c1"] = "aa";
  s.conversations["hindsight:http://h#me"]["claude:\"q\""] = "bb";
  s.conversations["lightrag:http://l"]["chatgpt:c1"] = "cc";
  s.pending_operations["t"] = {"op1", "op2"};
  auto back = decode_state(encode_state(s), "s.json");
  REQUIRE(back);
  CHECK(back->conversations == s.conversations);
  CHECK(back->pending_operations == s.pending_operations);
  // A state file without the key (older versions) has none.
  auto plain = decode_state(encode_state(State{}), "s.json");
  REQUIRE(plain);
  CHECK(plain->conversations.empty());
}
