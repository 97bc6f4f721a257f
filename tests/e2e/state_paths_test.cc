// Issue 21: where the state lives, and what a user sees when it cannot be there.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "harness.h"

using e2e::RunResult;
using e2e::Standin;
using e2e::TempDir;

TEST_CASE("state paths: a MEMCONN_CONFIG naming a missing file is exit 3, not silently the default config and a fresh state") {
  Standin s;
  TempDir t;
  std::string notes = t.write("notes.txt", "a fact\n");
  RunResult r = e2e::run_memconn({"ingest", notes, "--url", s.url(), "--bank", "b"},
                                 {.env = {{"MEMCONN_CONFIG", t.file("cfg/nope.toml")}, {"HOME", t.path()}}});
  CHECK(r.exit_code == 3);
  CHECK_MESSAGE(r.err.find("MEMCONN_CONFIG names " + t.file("cfg/nope.toml") + ", which does not exist") != std::string::npos, r.err);
  CHECK(s.stats().documents() == 0);
  r = e2e::run_memconn({"doctor", "--url", s.url(), "--bank", "b"},
                       {.env = {{"MEMCONN_CONFIG", t.file("cfg/nope.toml")}, {"HOME", t.path()}}});
  CHECK(r.exit_code == 3);
}

TEST_CASE("state paths: a state folder that cannot be created is exit 73 with the reason and the fix, never 75 (another run holds the lock)") {
  Standin s;
  TempDir t;
  std::string notes = t.write("notes.txt", "a fact\n");
  t.write("blocker", "a file where the state folder should be\n");
  RunResult r = e2e::run_memconn({"ingest", notes, "--url", s.url(), "--bank", "b", "--state", t.file("blocker/state.json")});
  CHECK(r.exit_code == 73);
  CHECK_MESSAGE(r.err.find("cannot create the state folder") != std::string::npos, r.err);
  CHECK(r.err.find("another memconn run") == std::string::npos);
  CHECK(s.stats().documents() == 0);
  if (::geteuid() != 0) {  // root writes anywhere
    ::mkdir(t.file("ro").c_str(), 0500);
    r = e2e::run_memconn({"ingest", notes, "--url", s.url(), "--bank", "b", "--state", t.file("ro/state.json")});
    CHECK(r.exit_code == 73);
    CHECK_MESSAGE(r.err.find("no permission") != std::string::npos, r.err);
  }
}

TEST_CASE("state paths: ingest --reset-state starts over only its own inputs, state reset --all forgets every file and says how many") {
  Standin s;
  TempDir t;
  std::string a = t.write("a.txt", "a one\na two\n"), b = t.write("b.txt", "b one\nb two\nb three\n");
  std::string state = t.file("st/state.json");
  auto ingest = [&](std::vector<std::string> more) {
    std::vector<std::string> args{"--json", "--url", s.url(), "--bank", "b", "--state", state, "ingest"};
    args.insert(args.end(), more.begin(), more.end());
    return e2e::run_memconn(args);
  };
  REQUIRE(ingest({a}).exit_code == 0);
  REQUIRE(ingest({b}).exit_code == 0);
  RunResult r = ingest({a, "--reset-state"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(e2e::num(e2e::JsonDoc(r.out), "/sent") == 2);
  CHECK_MESSAGE(r.err.find("--reset-state: 1 of this run's 1 input file had progress, now forgotten") != std::string::npos, r.err);
  r = ingest({b});  // the cron run of the other file: nothing to send
  REQUIRE(r.exit_code == 0);
  CHECK(e2e::num(e2e::JsonDoc(r.out), "/sent") == 0);

  r = e2e::run_memconn({"--state", state, "state", "reset"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("say --all") != std::string::npos);
  r = e2e::run_memconn({"--state", state, "state", "reset", "--all"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK_MESSAGE(r.err.find("forgot the progress of 2 files in " + state) != std::string::npos, r.err);
  r = ingest({b});
  REQUIRE(r.exit_code == 0);
  CHECK(e2e::num(e2e::JsonDoc(r.out), "/sent") == 3);
  CHECK(s.stats().documents() == 5);  // content-hash ids: sending again stored nothing twice

  r = e2e::run_memconn({"--state", state, "state", "show", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"state\":\"" + state + "\"") != std::string::npos);
  CHECK(r.out.find("\"dead_letter\":\"" + t.file("st/dead-letter.jsonl") + "\"") != std::string::npos);
}

TEST_CASE("state paths: a file ingested with --format lines by mistake, then with --format jsonl, is refused with the way forward (exit 2), and --reset-state sends it the new way") {
  Standin s;
  TempDir t;
  std::string conv = t.write("conv.json", "{\"content\":\"hello\",\"document_id\":\"c1\"}\n{\"content\":\"bye\",\"document_id\":\"c1\"}\n");
  std::string state = t.file("state.json");
  auto ingest = [&](std::vector<std::string> more) {
    std::vector<std::string> args{"--url", s.url(), "--bank", "b", "--state", state, "ingest", conv};
    args.insert(args.end(), more.begin(), more.end());
    return e2e::run_memconn(args);
  };
  REQUIRE(ingest({"--format", "lines"}).exit_code == 0);  // two junk memories: JSON text
  auto before = s.stats().retain_requests();
  RunResult r = ingest({"--format", "jsonl"});
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.err.find("conv.json was ingested with --format lines (now --format jsonl)") != std::string::npos, r.err);
  CHECK(r.err.find("add --reset-state (this file only)") != std::string::npos);
  CHECK(s.stats().retain_requests() == before);  // nothing sent
  // The same options as before go on as always.
  r = ingest({"--format", "lines"});
  CHECK(r.exit_code == 0);
  r = ingest({"--format", "jsonl", "--reset-state"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto doc = s.document("c1", "b");
  REQUIRE(doc);
  CHECK(doc->content == "hello\nbye");
  // Tags decide content-hash ids too: forgetting them is named, not a silent skip.
  std::string notes = t.write("notes.txt", "a fact\n");
  REQUIRE(e2e::run_memconn({"--url", s.url(), "--bank", "b", "--state", state, "ingest", notes, "--tags", "work"}).exit_code == 0);
  r = e2e::run_memconn({"--url", s.url(), "--bank", "b", "--state", state, "ingest", notes});
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.err.find("notes.txt was ingested with --tags work (now no --tags)") != std::string::npos, r.err);
}

TEST_CASE("state paths: verify and --repair without the ingest's --tags read the inputs as they were ingested - no false 'missing', no duplicates") {
  Standin s;
  TempDir t;
  std::string notes;
  for (int i = 0; i < 20; ++i) notes += "note " + std::to_string(i) + "\n";
  std::string path = t.write("notes.txt", notes);
  std::string state = t.file("state.json");
  std::vector<std::string> base{"--url", s.url(), "--bank", "b", "--state", state};
  auto with = [&](std::vector<std::string> more) {
    auto a = base;
    a.insert(a.end(), more.begin(), more.end());
    return a;
  };
  REQUIRE(e2e::run_memconn(with({"ingest", path, "--tags", "import", "--context", "my notes"})).exit_code == 0);
  REQUIRE(s.stats().documents() == 20);
  RunResult r = e2e::run_memconn(with({"--json", "verify", path}));
  CHECK_MESSAGE(r.exit_code == 0, r.err << r.out);
  CHECK(e2e::num(e2e::JsonDoc(r.out), "/present") == 20);
  CHECK(r.err.find("verify: reading the inputs with the options they were ingested with: --format lines --tags import --context \"my notes\"") !=
        std::string::npos);
  r = e2e::run_memconn(with({"--json", "verify", path, "--repair"}));
  CHECK(r.exit_code == 0);
  CHECK(s.stats().documents() == 20);  // not 40
  // Other options than the ingest's are refused, named, before --repair could store copies.
  r = e2e::run_memconn(with({"verify", path, "--tags", "other", "--repair"}));
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.err.find("notes.txt was ingested with --tags import (now --tags other): verify it with the options it was ingested with (--format lines --tags import --context \"my notes\")") !=
                    std::string::npos,
                r.err);
  CHECK(s.stats().documents() == 20);
}

TEST_CASE("state paths: the default state lives under XDG_STATE_HOME - a state beside the default config moves there once, with a note, and resumes") {
  Standin s;
  TempDir t;
  std::string notes = t.write("notes.txt", "one\ntwo\n");
  std::map<std::string, std::string> env{{"XDG_CONFIG_HOME", t.file("config")}, {"XDG_STATE_HOME", t.file("state")}};
  // The layout of earlier versions: the state (and its dead letters) beside the default config.
  t.write("config/memconn/config.toml", "[hindsight]\nurl = \"" + s.url() + "\"\nbank = \"b\"\n");
  RunResult r = e2e::run_memconn({"--state", t.file("config/memconn/state.json"), "ingest", notes}, {.env = env});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  t.write("config/memconn/dead-letter.jsonl", "");
  REQUIRE(e2e::file_exists(t.file("config/memconn/state.json")));

  t.write("notes.txt", "one\ntwo\nthree\n");
  r = e2e::run_memconn({"--json", "ingest", notes}, {.env = env});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK_MESSAGE(r.err.find("note: the state moved from " + t.file("config/memconn") + " to " + t.file("state/memconn")) !=
                    std::string::npos,
                r.err);
  CHECK(e2e::num(e2e::JsonDoc(r.out), "/sent") == 1);  // resumed from the moved state: only the new line
  CHECK(e2e::file_exists(t.file("state/memconn/state.json")));
  CHECK(e2e::file_exists(t.file("state/memconn/dead-letter.jsonl")));
  CHECK_FALSE(e2e::file_exists(t.file("config/memconn/state.json")));
  r = e2e::run_memconn({"ingest", notes}, {.env = env});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("note: the state moved") == std::string::npos);  // once
  r = e2e::run_memconn({"state", "show", "--json"}, {.env = env});
  CHECK(r.out.find("\"state\":\"" + t.file("state/memconn/state.json") + "\"") != std::string::npos);
}

TEST_CASE("state paths: two state files in one folder keep their own dead letters") {
  Standin s({"--reject-marker", "BAD"});
  TempDir t;
  std::string a = t.write("a.txt", "BAD a\n"), b = t.write("b.txt", "BAD b\n");
  CHECK(e2e::run_memconn({"--url", s.url(), "--bank", "b", "--state", t.file("st/team.json"), "ingest", a}).exit_code == 1);
  CHECK(e2e::run_memconn({"--url", s.url(), "--bank", "b", "--state", t.file("st/home.json"), "ingest", b}).exit_code == 1);
  CHECK(e2e::read_file(t.file("st/team.dead-letter.jsonl")).find("BAD a") != std::string::npos);
  CHECK(e2e::read_file(t.file("st/home.dead-letter.jsonl")).find("BAD b") != std::string::npos);
  CHECK(e2e::read_file(t.file("st/home.dead-letter.jsonl")).find("BAD a") == std::string::npos);
}

TEST_CASE("state paths: a JSONL file whose commit point is still 0 with a later line settled ahead - the rescan of its documents does not move where the run reads from") {
  // What a run killed while its first batch was unacknowledged and a later one acknowledged
  // leaves: offset 0, line 2 settled ahead. The resumed run rescans the file for the parts
  // its documents already hold, then must read from the start; it read on from where the
  // rescan stopped (a fragment of a line was dead-lettered as "line 1", TSan found it).
  Standin s;
  TempDir t;
  std::string path = t.write("chat.jsonl", "{\"document_id\":\"c\",\"content\":\"one\"}\n"
                                           "{\"document_id\":\"c\",\"content\":\"two\"}\n"
                                           "{\"document_id\":\"c\",\"content\":\"three\"}\n");
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  std::string label = s.url() + "#b1";
  t.write("st/state.json", "{\"version\":2,\"id_scheme\":2,\"files\":{\"" + label + "|" + path +
                               "\":{\"dev\":" + std::to_string(st.st_dev) + ",\"ino\":" + std::to_string(st.st_ino) +
                               ",\"size\":" + std::to_string(st.st_size) +
                               ",\"head_len\":0,\"head_sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\","
                               "\"offset\":0,\"line\":0,\"updated\":\"\",\"settled_ahead\":[[2,2]]}},\"runs\":[],\"connectors\":{}}\n");
  RunResult r = e2e::run_memconn({"--json", "--url", s.url(), "--bank", "b1", "--state", t.file("st/state.json"), "ingest", path});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err << e2e::read_file(t.file("st/dead-letter.jsonl")));
  CHECK_FALSE(e2e::file_exists(t.file("st/dead-letter.jsonl")));
  CHECK(e2e::num(e2e::JsonDoc(r.out), "/skipped") == 1);  // line 2, settled before
  auto doc = s.document("c", "b1");
  REQUIRE(doc);
  CHECK(doc->content == "one\ntwo\nthree");
}

TEST_CASE("state paths: one resolution for every command - the first summary, status, doctor, state show and a shard's dlq agree") {
  Standin s;
  TempDir t;
  std::string notes = t.write("notes.txt", "a fact\nanother fact\n");
  std::map<std::string, std::string> env{{"XDG_STATE_HOME", t.file("xs")}, {"XDG_CONFIG_HOME", t.file("xc")}};
  const std::string dir = t.file("xs") + "/memconn/";
  auto run = [&](std::vector<std::string> words) { return e2e::run_memconn(e2e::args(e2e::hindsight_args(s), words), {.env = env}); };

  RunResult r = run({"ingest", notes});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK_MESSAGE(r.err.find("; progress kept in " + dir + "state.json (memconn state show lists every path)") !=
                    std::string::npos,
                r.err);
  r = run({"ingest", notes});  // said once: the state file is there now
  CHECK(r.err.find("progress kept in") == std::string::npos);

  r = run({"status"});
  CHECK(r.exit_code == 0);
  CHECK_MESSAGE(r.out.find("config:       " + t.file("xc") + "/memconn/config.toml (none: flags and environment only)\n"
                           "state:        " + dir + "state.json\ndead letters: " + dir + "dead-letter.jsonl\n") !=
                    std::string::npos,
                r.out);
  r = run({"doctor"});
  CHECK_MESSAGE(r.out.find("ok    lock         " + dir + "state.json.lock (free)") != std::string::npos, r.out);
  CHECK(r.out.find("ok    state        " + dir + "state.json (mode 0600)") != std::string::npos);
  r = run({"--json", "state", "show"});
  CHECK(e2e::JsonDoc(r.out).root()["journal"].get_string().value() == dir + "state.json.journal");

  // A shard's files, as ingest --shard and dlq --shard both name them.
  r = run({"--json", "ingest", notes, "--shard", "0/2"});
  CHECK_MESSAGE(r.out.find("\"state_file\":\"" + dir + "state.shard-0-of-2.json\"") != std::string::npos, r.out);
  r = run({"--json", "dlq", "list", "--shard", "0/2"});
  CHECK_MESSAGE(r.out.find("\"path\":\"" + dir + "dead-letter.shard-0-of-2.jsonl\"") != std::string::npos, r.out);
}
