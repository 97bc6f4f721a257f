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
