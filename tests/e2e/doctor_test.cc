// Issue 12, `memconn doctor` through the real binary: a healthy server, a wrong key, a wrong
// URL, a server without a feature, an unreadable CA file, and the proxy it reports.
#include <doctest/doctest.h>

#include "harness.h"

using e2e::JsonDoc;
using e2e::RunResult;
using e2e::Standin;
using e2e::TempDir;

namespace {

// "ok    dns         ..." -> the status word of check `name`, or "" when absent.
std::string status_of(const std::string& out, const std::string& name) {
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    std::string line = out.substr(start, nl - start);
    std::string word = line.substr(0, line.find(' '));
    std::string rest = line.substr(line.find_first_not_of(' ', word.size()));
    if (rest.substr(0, rest.find(' ')) == name) return word;
    start = nl + 1;
  }
  return "";
}

}  // namespace

TEST_CASE("doctor: a healthy server and bank pass every check (exit 0), and --json lists them") {
  Standin s({"--api-key", "sekrit-key"});
  TempDir t;
  std::string key = t.write("key", "sekrit-key\n");
  std::string state = t.file("state.json");
  std::vector<std::string> base{"--url", s.url(), "--bank", "b1", "--api-key-file", key, "--state", state};
  auto args = [&](std::vector<std::string> more) {
    auto a = base;
    a.insert(a.end(), more.begin(), more.end());
    return a;
  };
  REQUIRE(e2e::run_memconn(args({"ingest", t.write("n.txt", "one\n")})).exit_code == 0);
  RunResult r = e2e::run_memconn(args({"doctor"}));
  CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
  for (const char* c : {"config", "target", "dns", "proxy", "connect", "health", "clock", "version", "async", "credentials",
                        "bank", "state", "dead-letters", "lock"})
    CHECK_MESSAGE(status_of(r.out, c) == "ok", c << "\n" << r.out);
  CHECK(r.out.find("sekrit") == std::string::npos);
  CHECK(r.out.find("api 0.9.1") != std::string::npos);

  RunResult j = e2e::run_memconn(args({"--json", "doctor"}));
  CHECK(j.exit_code == 0);
  JsonDoc d(j.out);
  CHECK(std::string(d.root()["result"].get_string().value()) == "ok");
  CHECK(d.root()["checks"].get_array().size() >= 12);
}

TEST_CASE("doctor: a wrong key fails the credentials check with a hint, and never prints the key") {
  Standin s({"--api-key", "right-key"});
  RunResult r = e2e::run_memconn({"--url", s.url(), "--bank", "b1", "doctor"}, {.env = {{"HINDSIGHT_API_KEY", "wrong-key-123"}}});
  CHECK(r.exit_code == 1);
  CHECK(status_of(r.out, "connect") == "ok");
  CHECK(status_of(r.out, "credentials") == "FAIL");
  CHECK(r.out.find("HINDSIGHT_API_KEY") != std::string::npos);  // the hint names where keys come from
  CHECK(r.out.find("wrong-key-123") == std::string::npos);
  CHECK(r.err.find("wrong-key-123") == std::string::npos);
}

TEST_CASE("doctor: a URL where nothing listens fails the connect check (exit 1)") {
  int port;
  {
    Standin gone;
    port = gone.port();
  }
  RunResult r = e2e::run_memconn({"--url", "http://127.0.0.1:" + std::to_string(port), "--bank", "b1", "doctor"});
  CHECK(r.exit_code == 1);
  CHECK(status_of(r.out, "dns") == "ok");
  CHECK(status_of(r.out, "connect") == "FAIL");
  CHECK(r.out.find("hint:") != std::string::npos);

  RunResult bad_host = e2e::run_memconn({"--url", "http://no-such-host.invalid:8888", "--bank", "b1", "doctor"});
  CHECK(bad_host.exit_code == 1);
  CHECK(status_of(bad_host.out, "dns") == "FAIL");
}

TEST_CASE("doctor: a server without the background worker gets a warning about --async (still exit 0)") {
  Standin s({"--worker-off"});
  RunResult r = e2e::run_memconn({"--url", s.url(), "--bank", "b1", "doctor"});
  CHECK_MESSAGE(r.exit_code == 0, r.out);
  CHECK(status_of(r.out, "async") == "warn");
  CHECK(status_of(r.out, "bank") == "warn");  // b1 does not exist yet: the first ingest creates it
}

TEST_CASE("doctor: the CA file and proxy in effect are reported - an unreadable CA file fails") {
  Standin s;
  RunResult r = e2e::run_memconn({"--url", s.url(), "--bank", "b1", "doctor"},
                                 {.env = {{"http_proxy", "http://user:pw9@proxy.invalid:3128"}, {"NO_PROXY", "127.0.0.1"}}});
  CHECK_MESSAGE(r.exit_code == 0, r.out);
  CHECK(r.out.find("http_proxy set, but NO_PROXY excludes 127.0.0.1") != std::string::npos);
  CHECK(r.out.find("pw9") == std::string::npos);

  RunResult ca = e2e::run_memconn({"--url", s.url(), "--bank", "b1", "doctor"},
                                  {.env = {{"HINDSIGHT_CA_FILE", "/nonexistent/ca.pem"}}});
  CHECK(ca.exit_code == 1);
  CHECK(status_of(ca.out, "tls") == "FAIL");
  CHECK(ca.out.find("HINDSIGHT_CA_FILE") != std::string::npos);
}

namespace {

// A Memory API source and a LightRAG or Hindsight target joined as connector "p2r"; the keys
// come from the environment so the config file holds none.
struct ConnectorSetup {
  Standin memories{{"--api-key", "mem-secret-77", "--generate", "ctx1:3"}, "memory-api"};
  Standin target;
  TempDir dir;
  std::string config;
  ConnectorSetup(const std::string& kind, const std::string& target_extra = "", const std::string& source_extra = "")
      : target(kind == "lightrag" ? std::vector<std::string>{"--api-key", "rag-secret-88"} : std::vector<std::string>{}, kind) {
    config = dir.write("memconn.toml",
                       "[state]\npath = \"state.json\"\n[targets.rag]\nkind = \"" + kind + "\"\nurl = \"" + target.url() +
                           "\"\napi_key = \"${RAG_KEY:-}\"\n" + (kind == "hindsight" ? "bank = \"team\"\n" : "") +
                           target_extra + "[sources.pendant]\nkind = \"memory-api\"\nurl = \"" + memories.url() +
                           "\"\napi_key = \"${MEM_KEY}\"\ncontext = \"ctx1\"\n" + source_extra +
                           "[connectors.p2r]\nsource = \"pendant\"\ntarget = \"rag\"\nschedule = \"every 1h\"\n");
  }
  RunResult doctor(const std::string& mem_key, const std::string& rag_key, std::vector<std::string> more = {}) const {
    std::vector<std::string> args{"--config", config, "doctor", "--connector", "p2r"};
    args.insert(args.end(), more.begin(), more.end());
    return e2e::run_memconn(args, {.env = {{"MEM_KEY", mem_key}, {"RAG_KEY", rag_key}}});
  }
};

// status and detail of each check of a `doctor --json` answer.
std::map<std::string, std::pair<std::string, std::string>> checks_of(const RunResult& r) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  JsonDoc d(r.out);
  for (auto c : d.root()["checks"].get_array())
    out[std::string(c["name"].get_string().value())] = {std::string(c["status"].get_string().value()),
                                                        std::string(c["detail"].get_string().value())};
  return out;
}

}  // namespace

TEST_CASE("doctor --connector: a healthy Memory API source and LightRAG target pass every check - keys never printed") {
  ConnectorSetup s("lightrag");
  RunResult r = s.doctor("mem-secret-77", "rag-secret-88", {"--json"});
  CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
  auto c = checks_of(r);
  for (const char* name : {"connector", "source", "source.dns", "source.proxy", "source.connect", "source.clock",
                           "source.credentials", "source.read", "target", "target.dns", "target.connect", "target.health",
                           "target.clock", "target.credentials", "state", "lock"})
    CHECK_MESSAGE(c[name].first == "ok", name << "\n" << r.out);
  CHECK(c["target.health"].second.find("LightRAG API 0260") != std::string::npos);
  RunResult text = s.doctor("mem-secret-77", "rag-secret-88");
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("source.credentials") != std::string::npos);
  for (const auto& out : {r.out, r.err, text.out, text.err}) {
    CHECK(out.find("mem-secret") == std::string::npos);
    CHECK(out.find("rag-secret") == std::string::npos);
  }
}

TEST_CASE("doctor --connector: wrong keys fail source and target credentials (exit 1) - a wrong context fails the read") {
  ConnectorSetup s("lightrag");
  RunResult r = s.doctor("wrong-mem-key-1", "wrong-rag-key-2", {"--json"});
  CHECK(r.exit_code == 1);
  auto c = checks_of(r);
  CHECK(c["source.connect"].first == "ok");
  CHECK(c["source.credentials"].first == "fail");
  CHECK(c["target.health"].first == "ok");  // /health is open, the key is tested elsewhere
  CHECK(c["target.credentials"].first == "fail");
  CHECK(r.out.find("[sources.pendant]") != std::string::npos);  // the hint names where the key comes from
  CHECK(r.out.find("wrong-mem-key-1") == std::string::npos);
  CHECK(r.out.find("wrong-rag-key-2") == std::string::npos);

  std::string cfg = e2e::read_file(s.config);
  cfg.replace(cfg.find("context = \"ctx1\""), 16, "context = \"nope\"");
  s.dir.write("memconn.toml", cfg);
  RunResult ctx = s.doctor("mem-secret-77", "rag-secret-88", {"--json"});
  CHECK(ctx.exit_code == 1);
  CHECK(checks_of(ctx)["source.read"].first == "fail");
  CHECK(ctx.out.find("check context in [sources.pendant]") != std::string::npos);

  RunResult unknown = e2e::run_memconn({"--config", s.config, "doctor", "--connector", "nosuch"},
                                       {.env = {{"MEM_KEY", "x"}}});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.out.empty());
}

TEST_CASE("doctor --connector: a Hindsight target gets the Hindsight checks - target and source ca_file are reported") {
  ConnectorSetup h("hindsight");
  RunResult r = h.doctor("mem-secret-77", "", {"--json"});
  CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
  auto c = checks_of(r);
  CHECK(c["target"].second.find("hindsight at") != std::string::npos);
  CHECK(c["target.version"].first == "ok");
  CHECK(c["target.credentials"].first == "ok");
  CHECK(c["target.bank"].first == "warn");  // created by the first retain

  ConnectorSetup bad("lightrag", "ca_file = \"missing-ca.pem\"\n", "ca_file = \"/nonexistent/src-ca.pem\"\n");
  RunResult b = bad.doctor("mem-secret-77", "rag-secret-88", {"--json"});
  CHECK(b.exit_code == 1);
  auto bc = checks_of(b);
  CHECK(bc["source.tls"].first == "fail");
  CHECK(bc["source.tls"].second.find("/nonexistent/src-ca.pem (from " + bad.config + " [sources.pendant] ca_file)") !=
        std::string::npos);
  CHECK(bc["target.tls"].first == "fail");
  CHECK(bc["target.tls"].second.find(bad.dir.file("missing-ca.pem")) != std::string::npos);  // relative to the config
}
