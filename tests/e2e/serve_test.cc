// Issue 22 end to end: `memconn serve` runs the connectors' schedule and answers its API —
// auth, triggers, pauses on a fake clock, connectors created through the API and kept across
// restarts, every bad input, idle connections, a burst of clients, /metrics, SIGTERM — through
// the real binary against the stand-ins, on real sockets.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>

#include "connector_world.h"
#include "harness.h"
#include "serve_process.h"

using namespace e2e;
using namespace std::chrono_literals;

namespace {

const std::string kKey = "test-api-key-0123456789abcdef";

// The World's config with an [api] table asking for the key from the environment.
void with_api(World& w, const std::string& extra = "") {
  w.dir.write("memconn.toml", read_file(w.config) + "[api]\nkey = \"${MEMCONN_API_KEY}\"\n" + extra);
}

std::map<std::string, std::string> key_env(std::map<std::string, std::string> env = {}) {
  env.emplace("MEMCONN_API_KEY", kKey);
  return env;
}

size_t runs_of(const ServeProcess& s, const std::string& name) {
  auto r = s.call("GET", "/api/v1/connectors/" + name + "/history", "", kKey);
  if (r.status != 200) return 0;
  JsonDoc d(r.body);
  return d.root()["runs"].get_array().value().size();
}

std::string error_code(const HttpResponse& r) {
  JsonDoc d(r.body);
  return std::string(d.root()["error"]["code"].get_string().value());
}

std::string error_field(const HttpResponse& r) {
  JsonDoc d(r.body);
  std::string_view f;
  if (d.root()["error"]["field"].get_string().get(f)) return "";
  return std::string(f);
}

int connect_local(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

// Reads what the server sends within timeout_ms (until it closes or stays silent).
std::string read_some(int fd, int timeout_ms) {
  std::string out;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) {
      if (out.find("\r\n\r\n") != std::string::npos) break;
      continue;
    }
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace

TEST_CASE("serve: the key is required everywhere but health - none, wrong and right - and never logged") {
  World w({"--generate", "ctx1:3"});
  with_api(w);
  ServeProcess s(w.config, w.dir, {}, key_env());
  auto health = s.call("GET", "/api/v1/health");
  CHECK(health.status == 200);
  JsonDoc h(health.body);
  CHECK(std::string(h.root()["status"].get_string().value()) == "ok");
  CHECK_FALSE(std::string(h.root()["version"].get_string().value()).empty());
  CHECK(s.call("GET", "/api/v1/openapi.json").status == 200);

  auto none = s.call("GET", "/api/v1/connectors");
  CHECK(none.status == 401);
  CHECK(error_code(none) == "unauthorized");
  CHECK(none.headers["www-authenticate"].starts_with("Bearer"));
  auto wrong = s.call("GET", "/api/v1/connectors", "", "not-the-key");
  CHECK(wrong.status == 401);
  CHECK(s.call("GET", "/metrics", "", "not-the-key").status == 401);
  auto right = s.call("GET", "/api/v1/connectors", "", kKey);
  REQUIRE(right.status == 200);
  JsonDoc l(right.body);
  CHECK(std::string(l.root()["connectors"].at(0)["name"].get_string().value()) == "p2r");
  CHECK(std::string(l.root()["connectors"].at(0)["managed_by"].get_string().value()) == "config");
  // A page of another site is refused even with the key (CORS is off by default).
  auto cross = s.call("GET", "/api/v1/connectors", "", kKey, {"Origin: https://evil.example"});
  CHECK(cross.status == 403);
  CHECK(error_code(cross) == "forbidden_origin");
  CHECK(s.stop(SIGTERM) == 0);
  CHECK(s.err().find(kKey) == std::string::npos);
  CHECK(s.err().find("not-the-key") == std::string::npos);
  CHECK(s.err().find("api: GET /api/v1/connectors 401") != std::string::npos);
}

TEST_CASE("serve: beyond loopback without a key is refused with one line - with a key it starts") {
  World w({});
  auto r = w.run({"serve", "--listen", "0.0.0.0:0"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "memconn: error: serve: refusing to listen on 0.0.0.0:0 (from --listen) without an API key: set [api] "
                 "key (e.g. \"${MEMCONN_API_KEY}\") or listen on 127.0.0.1\n");
  auto bad = w.run({"serve", "--listen", "127.0.0.1"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("no :port") != std::string::npos);
  with_api(w, "listen = \"localhost:99999\"\n");
  auto cfg = w.run({"serve"}, key_env());
  CHECK(cfg.exit_code == 2);
  CHECK(cfg.err.find("[api] listen \"localhost:99999\": the port is above 65535") != std::string::npos);
}

TEST_CASE("serve: a trigger runs the connector - status and history show the counts - a second trigger meanwhile answers already_running and starts nothing") {
  // Disabled: the schedule never runs it, only the trigger does.
  World w({"--generate", "ctx1:40"}, "lightrag", {"--latency-ms", "150"}, "enabled = false\n");
  with_api(w);
  size_t expected = w.non_empty();
  ServeProcess s(w.config, w.dir, {"--batch-size", "2", "--workers", "1"}, key_env());
  std::this_thread::sleep_for(300ms);
  REQUIRE(runs_of(s, "p2r") == 0);
  auto t = s.call("POST", "/api/v1/connectors/p2r/trigger", "", kKey);
  REQUIRE(t.status == 202);
  CHECK(t.body == R"({"connector":"p2r","status":"queued"})");
  REQUIRE(eventually([&] { return s.call("GET", "/api/v1/health").body.find("\"running\"") != std::string::npos; }, 20));
  // Sent again while it runs (a retry, a second click): the same 202, saying so; one run.
  auto again = s.call("POST", "/api/v1/connectors/p2r/trigger", "", kKey);
  CHECK(again.status == 202);
  CHECK(again.body == R"({"connector":"p2r","status":"already_running"})");
  REQUIRE(eventually([&] { return runs_of(s, "p2r") == 1; }, 60));
  auto hist = s.call("GET", "/api/v1/connectors/p2r/history", "", kKey);
  JsonDoc hd(hist.body);
  auto last = hd.root()["runs"].at(0);
  CHECK(std::string(last["command"].get_string().value()) == "trigger");
  CHECK(std::string(last["result"].get_string().value()) == "ok");
  CHECK(last["fetched"].get_uint64().value() == 40);
  CHECK(last["sent"].get_uint64().value() == expected);
  auto st = s.call("GET", "/api/v1/connectors/p2r/status", "", kKey);
  REQUIRE(st.status == 200);
  JsonDoc sd(st.body);
  auto c = sd.root()["connectors"].at(0);
  CHECK(c["totals"]["sent"].get_uint64().value() == expected);
  CHECK(c["last_run"]["sent"].get_uint64().value() == expected);
  CHECK_FALSE(c["paused"].get_bool().value());
  CHECK_FALSE(c["running"].get_bool().value());
  CHECK(c["next_due"].is_null());  // disabled
  // The same facts as `memconn status NAME --json` (but for "now").
  JsonDoc cli(w.run({"status", "p2r", "--json"}).out);
  CHECK(cli.root()["connectors"].at(0)["runs"].get_array().value().size() == 1);
  CHECK(w.target.stats()["documents"] == static_cast<long long>(expected));
}

TEST_CASE("serve: a paused connector does not run when due on the fake clock - resumed, it does - pause survives a restart") {
  World w({"--generate", "ctx1:5"});
  with_api(w);
  // 1 h of connector time in 1 s.
  auto env = key_env({{"MEMCONN_FAKE_NOW", "2026-03-01T00:00:00Z"}, {"MEMCONN_FAKE_SPEED", "3600"}});
  {
    ServeProcess s(w.config, w.dir, {}, env);
    REQUIRE(eventually([&] { return runs_of(s, "p2r") == 1; }, 30));  // never ran: due at once
    auto p = s.call("POST", "/api/v1/connectors/p2r/pause", "", kKey);
    REQUIRE(p.status == 200);
    JsonDoc pd(p.body);
    CHECK(pd.root()["paused"].get_bool().value());
    CHECK(s.call("POST", "/api/v1/connectors/p2r/trigger", "", kKey).status == 409);
    std::this_thread::sleep_for(2500ms);  // two and a half fake hours: two slots passed
    CHECK(runs_of(s, "p2r") == 1);
    CHECK(s.stop(SIGTERM) == 0);
  }
  auto list = w.run({"list"});
  CHECK(list.out.find("paused") != std::string::npos);
  ServeProcess s(w.config, w.dir, {}, env);
  std::this_thread::sleep_for(1500ms);
  CHECK(runs_of(s, "p2r") == 1);  // still paused after the restart
  JsonDoc st(s.call("GET", "/api/v1/connectors/p2r/status", "", kKey).body);
  CHECK(st.root()["connectors"].at(0)["paused"].get_bool().value());
  CHECK(st.root()["connectors"].at(0)["next_due"].is_null());
  REQUIRE(s.call("POST", "/api/v1/connectors/p2r/resume", "", kKey).status == 200);
  CHECK(eventually([&] { return runs_of(s, "p2r") >= 2; }, 30));  // overdue: runs at once
}

TEST_CASE("serve: create, get, update and delete a connector - each survives a restart and memconn list sees it") {
  World w({"--generate", "ctx1:5"});
  with_api(w);
  auto env = key_env({{"MEMCONN_FAKE_NOW", "2026-03-01T00:00:00Z"}});
  std::string body = R"({"name":"nightly","source":"pendant","target":"rag","schedule":"0 3 * * *","tags":["api"],"enabled":false})";
  {
    ServeProcess s(w.config, w.dir, {}, env);
    auto c = s.call("POST", "/api/v1/connectors", body, kKey);
    REQUIRE_MESSAGE(c.status == 201, c.body);
    CHECK(c.headers["location"] == "/api/v1/connectors/nightly");
    CHECK(s.call("POST", "/api/v1/connectors", body, kKey).status == 409);
    CHECK(file_exists(w.dir.file("connectors.d/nightly.toml")));
    CHECK(s.stop(SIGTERM) == 0);
  }
  auto list = w.run({"list", "--json"});
  JsonDoc l(list.out);
  CHECK(std::string(l.root()["connectors"].at(0)["name"].get_string().value()) == "nightly");
  CHECK(std::string(l.root()["connectors"].at(0)["schedule"].get_string().value()) == "0 3 * * *");
  {
    ServeProcess s(w.config, w.dir, {}, env);
    auto g = s.call("GET", "/api/v1/connectors/nightly", "", kKey);
    REQUIRE(g.status == 200);
    JsonDoc gd(g.body);
    CHECK(std::string(gd.root()["managed_by"].get_string().value()) == "api");
    CHECK_FALSE(gd.root()["enabled"].get_bool().value());
    auto u = s.call("PUT", "/api/v1/connectors/nightly", R"({"source":"pendant","target":"rag","schedule":"every 2h"})", kKey);
    REQUIRE_MESSAGE(u.status == 200, u.body);
    // A connector of the config file is the operator's: the API does not rewrite it.
    auto cfg = s.call("PUT", "/api/v1/connectors/p2r", R"({"source":"pendant","target":"rag","schedule":"every 2h"})", kKey);
    CHECK(cfg.status == 409);
    CHECK(s.call("DELETE", "/api/v1/connectors/p2r", "", kKey).status == 409);
    CHECK(s.stop(SIGTERM) == 0);
  }
  CHECK(w.run({"list"}).out.find("nightly  pendant → rag    every 2h  yes") != std::string::npos);
  {
    ServeProcess s(w.config, w.dir, {}, env);
    JsonDoc gd(s.call("GET", "/api/v1/connectors/nightly", "", kKey).body);
    CHECK(std::string(gd.root()["schedule"].get_string().value()) == "every 2h");
    CHECK(gd.root()["enabled"].get_bool().value());
    CHECK(s.call("DELETE", "/api/v1/connectors/nightly", "", kKey).status == 204);
    CHECK(s.call("GET", "/api/v1/connectors/nightly", "", kKey).status == 404);
    CHECK(s.stop(SIGTERM) == 0);
  }
  CHECK(w.run({"list"}).out.find("nightly") == std::string::npos);
  CHECK_FALSE(file_exists(w.dir.file("connectors.d/nightly.toml")));
}

TEST_CASE("serve: every bad input gets its 4xx with the field named, and the service carries on") {
  World w({});
  with_api(w);
  ServeProcess s(w.config, w.dir, {}, key_env());
  auto post = [&](const std::string& body) { return s.call("POST", "/api/v1/connectors", body, kKey); };
  auto malformed = post("{\"name\": ");
  CHECK(malformed.status == 400);
  CHECK(error_code(malformed) == "malformed_json");
  CHECK(post("[1,2]").status == 400);
  auto unknown_field = post(R"({"name":"x","source":"pendant","target":"rag","schedule":"@daily","colour":"red"})");
  CHECK(unknown_field.status == 422);
  CHECK(error_field(unknown_field) == "colour");
  auto bad_schedule = post(R"({"name":"x","source":"pendant","target":"rag","schedule":"61 * * * *"})");
  CHECK(bad_schedule.status == 422);
  CHECK(error_field(bad_schedule) == "schedule");
  auto bad_source = post(R"({"name":"x","source":"nope","target":"rag","schedule":"@daily"})");
  CHECK(bad_source.status == 422);
  CHECK(error_field(bad_source) == "source");
  auto bad_target = post(R"({"name":"x","source":"pendant","target":"nope","schedule":"@daily"})");
  CHECK(error_field(bad_target) == "target");
  auto missing = post(R"({"name":"x","source":"pendant","target":"rag"})");
  CHECK(missing.status == 422);
  CHECK(error_code(missing) == "missing_field");
  CHECK(error_field(missing) == "schedule");
  auto wrong_type = post(R"({"name":"x","source":"pendant","target":"rag","schedule":"@daily","enabled":"yes"})");
  CHECK(error_field(wrong_type) == "enabled");
  auto bad_name = post(R"({"name":"../x","source":"pendant","target":"rag","schedule":"@daily"})");
  CHECK(error_field(bad_name) == "name");
  auto exists = post(R"({"name":"p2r","source":"pendant","target":"rag","schedule":"@daily"})");
  CHECK(exists.status == 409);
  CHECK(error_field(exists) == "name");
  auto form = s.call("POST", "/api/v1/connectors", "name=x", kKey, {"Content-Type: application/x-www-form-urlencoded"});
  CHECK(form.status == 415);
  auto unknown = s.call("GET", "/api/v1/connectors/nope/status", "", kKey);
  CHECK(unknown.status == 404);
  CHECK(error_code(unknown) == "not_found");
  CHECK(s.call("POST", "/api/v1/connectors/nope/trigger", "", kKey).status == 404);
  CHECK(s.call("GET", "/api/v1/nothing", "", kKey).status == 404);
  auto method = s.call("DELETE", "/api/v1/connectors", "", kKey);
  CHECK(method.status == 405);
  CHECK(method.headers["allow"] == "GET, POST");
  CHECK(error_code(method) == "method_not_allowed");
  CHECK(s.call("POST", "/api/v1/health").status == 405);

  // 8 MiB announced: refused at the headers, before the body is read.
  int fd = connect_local(s.port());
  std::string head = "POST /api/v1/connectors HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kKey +
                     "\r\nContent-Type: application/json\r\nContent-Length: 8388608\r\n\r\n{\"name\":";
  REQUIRE(write(fd, head.data(), head.size()) == static_cast<ssize_t>(head.size()));
  auto started = std::chrono::steady_clock::now();
  std::string answer = read_some(fd, 5000);
  close(fd);
  CHECK(answer.starts_with("HTTP/1.1 413"));
  CHECK(answer.find("payload_too_large") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  // And 8 MiB actually sent (curl): still 413, and the service answers the next request.
  auto big = s.call("POST", "/api/v1/connectors", std::string(8 << 20, ' '), kKey);
  CHECK((big.status == 413 || big.status == 0));
  CHECK(s.call("GET", "/api/v1/health").status == 200);
  CHECK(s.stop(SIGTERM) == 0);
}

TEST_CASE("serve: 60 idle half-open connections do not keep /health from answering within a second") {
  World w({});
  with_api(w);
  ServeProcess s(w.config, w.dir, {}, key_env());
  std::vector<int> idle;
  for (int i = 0; i < 60; ++i) idle.push_back(connect_local(s.port()));
  // Half a request line on a few more: a slow client stuck mid-request.
  for (int i = 0; i < 5; ++i) {
    int fd = connect_local(s.port());
    REQUIRE(write(fd, "GET /api/v1/he", 14) == 14);
    idle.push_back(fd);
  }
  for (int i = 0; i < 5; ++i) {
    auto started = std::chrono::steady_clock::now();
    auto r = http_request("GET", s.url() + "/api/v1/health", "", {}, 1.0);
    auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(r.status == 200);
    CHECK(took < 1.0);
    MESSAGE("/health with 65 idle connections open: " << took * 1000 << " ms");
  }
  for (int fd : idle) close(fd);
  CHECK(s.stop(SIGTERM) == 0);
}

TEST_CASE("serve: 500 requests from 20 threads are all answered - 200, or 429 with Retry-After") {
  World w({"--generate", "ctx1:3"});
  with_api(w);
  ServeProcess s(w.config, w.dir, {}, key_env());
  std::atomic<int> ok{0}, limited{0}, other{0};
  std::vector<double> latencies(500);
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 20; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        auto r = s.call("GET", i % 2 ? "/api/v1/connectors" : "/api/v1/connectors/p2r/status", "", kKey);
        latencies[static_cast<size_t>(t * 25 + i)] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (r.status == 200) ++ok;
        else if (r.status == 429 && std::atoi(r.headers["retry-after"].c_str()) >= 1) ++limited;
        else ++other;
      }
    });
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::sort(latencies.begin(), latencies.end());
  CHECK(ok + limited == 500);
  CHECK(other == 0);
  CHECK(ok >= 100);  // the burst
  MESSAGE("500 requests, 20 threads: " << 500 / secs << " requests/s, p99 " << latencies[494] * 1000 << " ms, " << ok
                                       << " answered 200, " << limited << " rate-limited");
  CHECK(s.call("GET", "/api/v1/health").status == 200);  // health is never rate-limited
  CHECK(s.stop(SIGTERM) == 0);
}

TEST_CASE("serve: /metrics is Prometheus text with live connector counts") {
  World w({"--generate", "ctx1:10"});
  with_api(w);
  ServeProcess s(w.config, w.dir, {}, key_env());
  // The run is in the state file a moment before its counts reach the metrics.
  std::string ok_line = "memconn_connector_runs_total{connector=\"p2r\",result=\"ok\"} 1\n";
  REQUIRE(eventually([&] { return s.call("GET", "/metrics", "", kKey).body.find(ok_line) != std::string::npos; }, 30));
  auto m = s.call("GET", "/metrics", "", kKey);
  REQUIRE(m.status == 200);
  CHECK(m.headers["content-type"].starts_with("text/plain; version=0.0.4"));
  // Every line is a comment (# HELP / # TYPE) or `name{labels} value`.
  std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.e+-]+(Inf)?$)");
  std::regex meta(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
  std::istringstream in(m.body);
  std::string line;
  size_t samples = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    bool fine = std::regex_match(line, meta) || std::regex_match(line, sample);
    CHECK_MESSAGE(fine, line);
    samples += line[0] != '#';
  }
  CHECK(samples > 20);
  CHECK(m.body.find("memconn_connector_runs_total{connector=\"p2r\",result=\"ok\"} 1\n") != std::string::npos);
  CHECK(m.body.find("memconn_connector_items_total{connector=\"p2r\",outcome=\"sent\"} " + std::to_string(w.non_empty()) + "\n") !=
        std::string::npos);
  CHECK(m.body.find("process_resident_memory_bytes ") != std::string::npos);
  CHECK(m.body.find("memconn_api_requests_total{code=\"200\"}") != std::string::npos);
  CHECK(s.stop(SIGTERM) == 0);
}

TEST_CASE("serve: SIGTERM during a run finishes its requests and checkpoint and exits 0") {
  World w({"--generate", "ctx1:200"}, "lightrag", {"--latency-ms", "100"});
  with_api(w);
  ServeProcess s(w.config, w.dir, {"--batch-size", "2", "--workers", "1"}, key_env());
  REQUIRE(eventually([&] { return w.target.stats()["documents"] >= 4; }, 30));
  auto started = std::chrono::steady_clock::now();
  CHECK(s.stop(SIGTERM, 30) == 0);
  CHECK(std::chrono::steady_clock::now() - started < 12s);  // the drain timeout is 10 s
  JsonDoc st(w.run({"status", "--json"}).out);
  auto c = st.root()["connectors"].at(0);
  CHECK_FALSE(c["running"].get_bool().value());
  CHECK_FALSE(c["died"].get_bool().value());
  CHECK(std::string(c["last_run"]["result"].get_string().value()) == "interrupted");
  CHECK(std::string(c["last_run"]["command"].get_string().value()) == "serve");
  // Interrupted leaves it due: the next service finishes the job, nothing sent twice.
  ServeProcess again(w.config, w.dir, {}, key_env());
  REQUIRE(eventually([&] { return runs_of(again, "p2r") == 2; }, 60));
  CHECK(w.target.stats()["documents"] == static_cast<long long>(w.non_empty()));
}

TEST_CASE("serve: the curl examples of docs/connectors.md work as printed") {
  World w({"--generate", "ctx1:3"});
  with_api(w);
  ServeProcess s(w.config, w.dir, {}, key_env());
  std::ifstream doc(std::string(SOURCE_DIR) + "/docs/connectors.md");
  std::string text((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
  // The examples are the `curl` lines of the fenced blocks of the API section, in order.
  auto section = text.find("## The service and its API");
  REQUIRE(section != std::string::npos);
  std::istringstream in(text.substr(section));
  std::string line, script = "set -e\n";
  size_t examples = 0;
  while (std::getline(in, line)) {
    if (!line.starts_with("curl ")) continue;
    for (auto at = line.find("localhost:8080"); at != std::string::npos; at = line.find("localhost:8080"))
      line.replace(at, 14, "localhost:" + std::to_string(s.port()));
    script += line + " >/dev/null\n";
    ++examples;
  }
  CHECK(examples >= 8);
  TempDir tmp;
  auto path = tmp.write("examples.sh", script);
  pid_t pid = fork();
  if (pid == 0) {
    setenv("MEMCONN_API_KEY", kKey.c_str(), 1);
    execl("/bin/bash", "bash", path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int code = wait_exit(pid, 60);
  CHECK_MESSAGE(code == 0, script);
  CHECK(s.stop(SIGTERM) == 0);
}
