// Issue 2, settings through the real binary: flag > environment > config file > default for
// URL, bank and API key; config errors; the API key as a Bearer header that is never printed.
#include <doctest/doctest.h>

#include <filesystem>
#include <tuple>

#include "harness.h"

using e2e::RunOptions;
using e2e::RunResult;
using e2e::SeenRequest;
using e2e::Standin;
using e2e::TempDir;

using e2e::args;

namespace {

const std::string kKey = "sk-SECRET-7f3a9c1e5b";

// Paths of the API requests a stand-in saw (recall/retain), oldest first.
std::vector<std::string> api_paths(Standin& s) {
  std::vector<std::string> out;
  for (const auto& r : s.requests()) out.push_back(r.method + " " + r.path);
  return out;
}

std::string recall_path(const std::string& bank) { return "POST /v1/default/banks/" + bank + "/memories/recall"; }

std::string config(const std::string& url, const std::string& bank, const std::string& extra = "") {
  std::string s = "[hindsight]\n";
  if (!url.empty()) s += "url = \"" + url + "\"\n";
  if (!bank.empty()) s += "bank = \"" + bank + "\"\n";
  return s + extra;
}

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

// Every run's output, to check that the key was printed nowhere.
struct Transcript {
  std::vector<std::string> texts;
  RunResult run(const std::vector<std::string>& a, const RunOptions& o = {}) {
    RunResult r = e2e::run_memconn(a, o);
    texts.push_back(r.out);
    texts.push_back(r.err);
    return r;
  }
};

}  // namespace

TEST_CASE("settings: --url/--bank beat HINDSIGHT_API_URL/HINDSIGHT_BANK_ID, which beat the config file") {
  Standin a, b;
  TempDir t;
  std::string xdg = t.file("xdg");
  t.write("xdg/memconn/config.toml", config(a.url(), "cfg-bank"));
  RunOptions from_config{.env = {{"XDG_CONFIG_HOME", xdg}}};
  RunOptions from_env{.env = {{"XDG_CONFIG_HOME", xdg}, {"HINDSIGHT_API_URL", b.url()}, {"HINDSIGHT_BANK_ID", "env-bank"}}};

  RunResult r = e2e::run_memconn({"recall", "q"}, from_config);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(api_paths(a) == std::vector<std::string>{recall_path("cfg-bank")});
  CHECK(api_paths(b).empty());

  a.reset();
  r = e2e::run_memconn({"recall", "q"}, from_env);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(api_paths(a).empty());
  CHECK(api_paths(b) == std::vector<std::string>{recall_path("env-bank")});

  b.reset();
  r = e2e::run_memconn({"--url", a.url(), "--bank", "flag-bank", "recall", "q"}, from_env);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(api_paths(a) == std::vector<std::string>{recall_path("flag-bank")});
  CHECK(api_paths(b).empty());

  // Each layer can also supply just one of the two.
  a.reset();
  r = e2e::run_memconn({"--bank", "flag-bank", "recall", "q"}, from_config);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(api_paths(a) == std::vector<std::string>{recall_path("flag-bank")});
}

TEST_CASE("settings: without any setting the URL defaults to http://localhost:8888") {
  TempDir t;
  std::string path = t.write("in.txt", "x\n");
  RunResult r = e2e::run_memconn({"--bank", "b", "ingest", path, "--dry-run"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("would be sent to bank b at http://localhost:8888\n") != std::string::npos);
}

TEST_CASE("settings: --config beats MEMCONN_CONFIG, which beats $XDG_CONFIG_HOME/memconn/config.toml") {
  Standin s;
  TempDir t;
  std::string xdg = t.file("xdg");
  t.write("xdg/memconn/config.toml", config(s.url(), "xdg-bank"));
  std::string c1 = t.write("one.toml", config(s.url(), "one-bank"));
  std::string c2 = t.write("two.toml", config(s.url(), "two-bank"));

  RunResult r = e2e::run_memconn({"recall", "q"}, {.env = {{"XDG_CONFIG_HOME", xdg}, {"MEMCONN_CONFIG", c1}}});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(api_paths(s) == std::vector<std::string>{recall_path("one-bank")});

  s.reset();
  r = e2e::run_memconn({"--config", c2, "recall", "q"}, {.env = {{"XDG_CONFIG_HOME", xdg}, {"MEMCONN_CONFIG", c1}}});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(api_paths(s) == std::vector<std::string>{recall_path("two-bank")});

  // A config file named explicitly must exist.
  r = e2e::run_memconn({"--config", t.file("nope.toml"), "recall", "q"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("nope.toml") != std::string::npos);
}

TEST_CASE("settings: an unknown config key exits 3 naming file:line") {
  Standin s;
  TempDir t;
  std::string cfg = t.write("config.toml", config(s.url(), "b1", "colour = \"blue\"\n"));
  for (const char* cmd : {"recall", "ingest"}) {
    CAPTURE(cmd);
    RunResult r = e2e::run_memconn({"--config", cfg, cmd, std::string(cmd) == "ingest" ? cfg : "q"});
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(r.err == "memconn: error: " + cfg + ":4: unknown key \"colour\" in [hindsight]\n");
  }
  // Also through the default location.
  t.write("xdg/memconn/config.toml", "[defaults]\nworkers = 2\nbatchsize = 5\n");
  RunResult r = e2e::run_memconn({"--bank", "b1", "recall", "q"}, {.env = {{"XDG_CONFIG_HOME", t.file("xdg")}}});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find(t.file("xdg/memconn/config.toml") + ":3:") != std::string::npos);
  CHECK(s.stats().requests() == 0);
}

TEST_CASE("settings: a missing bank exits 2 and names the ways to set one") {
  Standin s;
  TempDir t;
  std::string path = t.write("in.txt", "x\n");
  for (const auto& a : std::vector<std::vector<std::string>>{
           {"--url", s.url(), "recall", "q"}, {"--url", s.url(), "reflect", "q"}, {"--url", s.url(), "ingest", path}}) {
    CAPTURE(a[2]);
    RunResult r = e2e::run_memconn(a);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("--bank") != std::string::npos);
    CHECK(r.err.find("HINDSIGHT_BANK_ID") != std::string::npos);
  }
  CHECK(s.stats().requests() == 0);
}

TEST_CASE("settings: the API key is sent as Authorization: Bearer from every source, in order of precedence") {
  Standin s({"--api-key", kKey});
  TempDir t;
  Transcript tr;
  std::string key_file = t.write("key.txt", kKey + "\n");
  std::string wrong_file = t.write("wrong.txt", "not-the-key\n");
  std::vector<std::string> base{"--url", s.url(), "--bank", "b1"};

  auto expect_ok = [&](const std::vector<std::string>& a, const RunOptions& o) {
    s.reset();
    RunResult r = tr.run(args(base, a), o);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    auto reqs = s.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].headers["authorization"] == "Bearer " + kKey);
  };
  SUBCASE("--api-key-file") { expect_ok({"--api-key-file", key_file, "recall", "q"}, {}); }
  SUBCASE("HINDSIGHT_API_KEY") { expect_ok({"recall", "q"}, {.env = {{"HINDSIGHT_API_KEY", kKey}}}); }
  SUBCASE("config api_key") {
    std::string cfg = t.write("c.toml", "[hindsight]\napi_key = \"" + kKey + "\"\n");
    expect_ok({"--config", cfg, "recall", "q"}, {});
  }
  SUBCASE("config api_key_file, relative to the config file") {
    t.write("conf/secret.txt", kKey + "\n");
    std::string cfg = t.write("conf/c.toml", "[hindsight]\napi_key_file = \"secret.txt\"\n");
    expect_ok({"--config", cfg, "recall", "q"}, {});
  }
  SUBCASE("--api-key-file beats HINDSIGHT_API_KEY") {
    expect_ok({"--api-key-file", key_file, "recall", "q"}, {.env = {{"HINDSIGHT_API_KEY", "wrong"}}});
  }
  SUBCASE("HINDSIGHT_API_KEY beats the config file") {
    std::string cfg = t.write("c.toml", "[hindsight]\napi_key = \"wrong\"\n");
    expect_ok({"--config", cfg, "recall", "q"}, {.env = {{"HINDSIGHT_API_KEY", kKey}}});
  }
  SUBCASE("reflect and ingest send it too") {
    expect_ok({"--api-key-file", key_file, "reflect", "q"}, {});
    std::string in = t.write("in.txt", "a line\n");
    expect_ok({"--api-key-file", key_file, "ingest", in}, {});
  }
  for (const auto& text : tr.texts) CHECK(text.find(kKey) == std::string::npos);
}

TEST_CASE("settings: without a key no Authorization header is sent") {
  Standin s;
  RunResult r = e2e::run_memconn({"--url", s.url(), "--bank", "b1", "recall", "q"});
  REQUIRE(r.exit_code == 0);
  auto reqs = s.requests();
  REQUIRE(reqs.size() == 1);
  CHECK_FALSE(reqs[0].has_header("authorization"));
}

TEST_CASE("settings: a wrong or missing key exits 4 for ingest, recall and reflect - nothing is dead-lettered") {
  Standin s({"--api-key", kKey});
  TempDir t;
  std::string in = t.write("in.txt", "one\ntwo\n");
  std::string dlq = t.file("dlq.jsonl");
  for (const auto& env : std::vector<std::map<std::string, std::string>>{{}, {{"HINDSIGHT_API_KEY", "wrong-key"}}}) {
    for (const auto& cmd : std::vector<std::vector<std::string>>{
             {"recall", "q"}, {"reflect", "q"}, {"ingest", in, "--dead-letter", dlq}}) {
      CAPTURE(cmd[0]);
      CAPTURE(env.size());
      RunResult r = e2e::run_memconn(args({"--url", s.url(), "--bank", "b1"}, cmd), {.env = env});
      CHECK(r.exit_code == 4);
      CHECK(r.err.find("401") != std::string::npos);
    }
  }
  CHECK_FALSE(e2e::file_exists(dlq));
  CHECK(s.stats().documents() == 0);
  CHECK(s.stats()["faults.401"] == 6);  // one request each: a refused key is not retried
}

TEST_CASE("settings: the API key never appears on stdout or stderr, whatever the mode or outcome") {
  Standin s({"--api-key", kKey});
  Standin other;  // no key required: success paths with the key configured
  Standin gone;
  std::string closed = gone.url();
  gone.kill9();
  TempDir t;
  Transcript tr;
  std::string key_file = t.write("key.txt", kKey + "\n");
  std::string in = t.write("in.txt", "alpha\nbeta\n");
  // No retries: the runs against the closed port must be quick.
  std::string quick = t.write("quick.toml", "[defaults]\nretries = 0\n");
  std::string bad = t.write("bad.jsonl", "{\"text\":\"ok\"}\n{broken\n");
  std::string cfg = t.write("c.toml", "[hindsight]\napi_key = \"" + kKey + "\"\nbank = \"b1\"\nurl = \"" + s.url() +
                                          "\"\nunknown = 1\n");
  RunOptions env_key{.env = {{"HINDSIGHT_API_KEY", kKey}}};
  const std::vector<std::vector<std::string>> modes{{}, {"-v"}, {"-v", "--json"}, {"-v", "--log-format", "json"}};
  for (const auto& mode : modes) {
    for (const std::string& url : {s.url(), other.url(), closed}) {
      auto base = args(mode, {"--config", quick, "--url", url, "--bank", "b1"});
      // --reset-state: the runs share a state file beside quick.toml and must all send.
      tr.run(args(base, {"ingest", in, bad, "--retries", "0", "--reset-state", "--dead-letter", t.file("dlq.jsonl")}),
             env_key);
      tr.run(args(base, {"recall", "alpha"}), env_key);
      tr.run(args(base, {"--api-key-file", key_file, "reflect", "alpha", "--include-facts"}));
    }
    tr.run(args(mode, {"--url", s.url(), "--bank", "b1", "recall", "q"}), {.env = {{"HINDSIGHT_API_KEY", kKey + "x"}}});
    tr.run(args(mode, {"--config", cfg, "recall", "q"}));
    tr.run(args(mode, {"--url", s.url(), "--bank", "b1", "ingest", in, "--dry-run"}), env_key);
  }
  // -v really was verbose, and the runs reached the servers.
  bool saw_debug = false;
  for (const auto& text : tr.texts) saw_debug = saw_debug || text.find("POST /v1/default/banks/b1/memories 200") != std::string::npos;
  CHECK(saw_debug);
  CHECK(s.stats()["faults.401"] > 0);
  CHECK(s.stats().documents() > 0);
  for (const auto& text : tr.texts) CHECK_MESSAGE(text.find(kKey) == std::string::npos, text);
}

TEST_CASE("settings: a bad URL in HINDSIGHT_API_URL is a usage error (exit 2), in the config file a config error (exit 3)") {
  TempDir t;
  RunResult r = e2e::run_memconn({"--bank", "b", "recall", "q"}, {.env = {{"HINDSIGHT_API_URL", "localhost:8888"}}});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("HINDSIGHT_API_URL") != std::string::npos);
  std::string cfg = t.write("c.toml", "[hindsight]\nbank = \"b\"\nurl = \"localhost:8888\"\n");
  r = e2e::run_memconn({"--config", cfg, "recall", "q"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find(cfg + ":3") != std::string::npos);
}

TEST_CASE("settings: a key with a trailing newline works and one with an inner newline is refused unprinted") {
  Standin s({"--api-key", kKey});
  // A Kubernetes Secret mounted into the environment ends in a newline.
  RunResult ok = e2e::run_memconn({"--url", s.url(), "--bank", "b1", "recall", "q"},
                                  {.env = {{"HINDSIGHT_API_KEY", kKey + "\n"}}});
  CHECK_MESSAGE(ok.exit_code == 0, ok.err);
  auto reqs = s.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].headers["authorization"] == "Bearer " + kKey);

  TempDir t;
  std::string cfg = t.write("c.toml", "[hindsight]\napi_key = \"" + kKey + "\\r\\nX-Injected: 1\"\n");
  for (const auto& [what, o, a] :
       {std::tuple{std::string("HINDSIGHT_API_KEY"), RunOptions{.env = {{"HINDSIGHT_API_KEY", kKey + "\nX-Injected: 1"}}},
                   std::vector<std::string>{}},
        std::tuple{std::string("api_key"), RunOptions{}, std::vector<std::string>{"--config", cfg}}}) {
    CAPTURE(what);
    s.reset();
    std::vector<std::string> argv = a;
    for (std::string x : {"--url", s.url().c_str(), "--bank", "b1", "recall", "q"}) argv.push_back(x);
    RunResult bad = e2e::run_memconn(argv, o);
    CHECK(bad.exit_code == 3);
    CHECK(bad.err.find(what + ": the API key contains a control character") != std::string::npos);
    CHECK(bad.err.find(kKey) == std::string::npos);
    CHECK(bad.out.find(kKey) == std::string::npos);
    CHECK(s.requests().empty());
  }
}

TEST_CASE("settings: user:password@ in --url is never stored or printed") {
  Standin s({"--reject-marker", "BAD"});
  TempDir t;
  std::string in = t.write("in.txt", "good line\nBAD line\n");
  std::string state = t.file("st/state.json");
  std::string url = "http://alice:pa55word-9c1@" + s.url().substr(std::string("http://").size());
  Transcript tr;
  auto r = tr.run({"ingest", in, "--url", url, "--bank", "b1", "--state", state, "--json"});
  CHECK_MESSAGE(r.exit_code == 1, r.err);  // one dead letter
  auto reqs = s.requests();
  REQUIRE_FALSE(reqs.empty());
  CHECK(reqs[0].headers["authorization"].starts_with("Basic "));  // the credentials still reach the server
  tr.run({"dlq", "list", "--json", "--state", state});
  tr.run({"ingest", in, "--url", url, "--bank", "b1", "--state", t.file("dry/state.json"), "--dry-run"});
  tr.texts.push_back(e2e::read_file(state));
  for (const auto& f : std::filesystem::directory_iterator(state + ".files")) tr.texts.push_back(e2e::read_file(f.path()));
  tr.texts.push_back(e2e::read_file(t.file("st/dead-letter.jsonl")));
  REQUIRE(tr.texts.back().find("BAD line") != std::string::npos);
  for (const auto& text : tr.texts) CHECK(text.find("pa55word") == std::string::npos);
}

TEST_CASE("settings: dlq retry sends the key only to the URL this command resolved") {
  Standin here({"--api-key", kKey});
  Standin elsewhere({"--reject-marker", "BAD"});
  TempDir t;
  std::string in = t.write("in.txt", "BAD line\n");
  std::string state = t.file("state.json");
  REQUIRE(e2e::run_memconn({"ingest", in, "--url", elsewhere.url(), "--bank", "b1", "--state", state}).exit_code == 1);
  REQUIRE(e2e::count_lines(t.file("dead-letter.jsonl")) == 1);
  elsewhere.config(R"({"reject_marker":""})");
  elsewhere.reset();
  RunOptions with_key{.env = {{"HINDSIGHT_API_KEY", kKey}}};
  auto r = e2e::run_memconn({"dlq", "retry", "--url", here.url(), "--state", state}, with_key);
  CHECK(r.exit_code == 1);  // entries remain in the file
  CHECK(r.err.find("1 dead letter(s) recorded for " + elsewhere.url() + " are kept: the API key goes only to " +
                   here.url()) != std::string::npos);
  CHECK(elsewhere.requests().empty());
  CHECK(here.requests().empty());
  CHECK(e2e::count_lines(t.file("dead-letter.jsonl")) == 1);
  // Naming that URL is the user's decision to send the key there.
  auto named = e2e::run_memconn({"dlq", "retry", "--url", elsewhere.url(), "--state", state}, with_key);
  CHECK_MESSAGE(named.exit_code == 0, named.err);
  CHECK(e2e::count_lines(t.file("dead-letter.jsonl")) == 0);
  auto reqs = elsewhere.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].headers["authorization"] == "Bearer " + kKey);
}

TEST_CASE("settings: --timeout 0 is refused, since libcurl would read it as no timeout at all") {
  RunResult r = e2e::run_memconn({"--url", "http://127.0.0.1:1", "--bank", "b", "ingest", "-", "--timeout", "0"}, {.stdin_data = "a\n"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--timeout must be greater than 0") != std::string::npos);
}

TEST_CASE("settings: a bank id with '#' keeps its dead letters' target intact - dlq retry delivers them to that bank") {
  Standin s({"--reject-marker", "POISON"});
  TempDir t;
  std::string path = t.write("in.txt", "POISON one\nfine two\n");
  std::string state = t.file("s/state.json");
  auto r = e2e::run_memconn({"ingest", path, "--bank", "team#1", "--url", s.url(), "--state", state});
  REQUIRE(r.exit_code == 1);
  s.config(R"({"reject_marker":""})");
  auto retry = e2e::run_memconn({"dlq", "retry", "--bank", "team#1", "--url", s.url(), "--state", state, "--json"});
  CHECK_MESSAGE(retry.exit_code == 0, retry.err);
  size_t in_bank = 0;
  for (const auto& d : s.documents()) in_bank += d.bank == "team#1";
  CHECK(in_bank == 2);
}
