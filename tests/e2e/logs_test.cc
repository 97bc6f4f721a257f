// Issue 5, logs on stderr: -v gives one line per HTTP request (method, path, status,
// latency, attempt) and never the API key; --log-format json makes every stderr line a JSON
// object with level and msg.
#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "harness.h"
#include "shell_run.h"

using e2e::JsonDoc;
using e2e::RunResult;
using e2e::Standin;
using e2e::TempDir;

namespace {

const std::string kKey = "sk-memconn-e2e-0123456789abcdef";

// "POST /v1/default/banks/b1/memories 200 3ms attempt=1 items=2"
const std::regex kRequestLine(R"((GET|POST|PUT|PATCH|DELETE) (/\S*) (\d{3}|error.*) (\d+)ms attempt=(\d+).*)");

std::vector<std::smatch> request_lines(const std::string& err, std::vector<std::string>& storage) {
  storage = e2e::split_lines(err);
  std::vector<std::smatch> out;
  for (const auto& line : storage) {
    std::smatch m;
    if (std::regex_match(line, m, kRequestLine)) out.push_back(m);
  }
  return out;
}

}  // namespace

TEST_CASE("logs: -v logs every request of ingest with its attempt, and never the API key") {
  Standin s({"--api-key", kKey, "--fail-every", "2", "--retry-after", "0"});
  TempDir dir;
  std::string input = e2e::write_lines(dir.file("in.txt"), 6);
  RunResult r = e2e::run_memconn({"-v", "ingest", input, "--url", s.url(), "--bank", "b1", "--batch-size", "2",
                                  "--workers", "1", "--json", "--state", dir.file("state.json")},
                                 {.env = {{"HINDSIGHT_API_KEY", kKey}}});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::vector<std::string> storage;
  auto lines = request_lines(r.err, storage);
  JsonDoc report(r.out);
  int64_t requests = report.root()["requests"].get_int64().value();
  CHECK(static_cast<int64_t>(lines.size()) == requests);
  bool retried = false;
  for (const auto& m : lines) {
    CHECK(m[1] == "POST");
    CHECK(m[2] == "/v1/default/banks/b1/memories");
    retried = retried || m[5] != "1";
  }
  CHECK(retried);  // every other request failed once, so some line says attempt=2
  CHECK(r.err.find(kKey) == std::string::npos);
  CHECK(r.out.find(kKey) == std::string::npos);

  RunResult quiet = e2e::run_memconn({"ingest", input, "--url", s.url(), "--bank", "b1", "--state",
                                      dir.file("other-state.json")},
                                     {.env = {{"HINDSIGHT_API_KEY", kKey}}});
  REQUIRE(quiet.exit_code == 0);
  CHECK(request_lines(quiet.err, storage).empty());  // without -v: no request lines
}

TEST_CASE("logs: -v logs recall and reflect requests too, key never printed") {
  Standin s({"--api-key", kKey});
  TempDir dir;
  std::string key_file = dir.write("key", kKey + "\n");
  for (const char* command : {"recall", "reflect"}) {
    CAPTURE(command);
    RunResult r = e2e::run_memconn({"-v", "--api-key-file", key_file, command, "anything", "--url", s.url(), "--bank",
                                    "b1"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::vector<std::string> storage;
    auto lines = request_lines(r.err, storage);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0][1] == "POST");
    CHECK(lines[0][2].str().rfind("/v1/default/banks/b1/", 0) == 0);
    CHECK(lines[0][3] == "200");
    CHECK(lines[0][5] == "1");
    CHECK(r.err.find(kKey) == std::string::npos);
    CHECK(r.out.find(kKey) == std::string::npos);
  }
}

TEST_CASE("logs: --log-format json turns every stderr line into a JSON object with level and msg") {
  Standin s;
  TempDir dir;
  std::string input = dir.write("in.jsonl", "{\"content\":\"ok\"}\n{broken\n{\"content\":\"fine\"}\n");
  auto check_all_json = [](const std::string& err, std::set<std::string>& levels) {
    auto lines = e2e::split_lines(err);
    REQUIRE_FALSE(lines.empty());
    for (const auto& line : lines) {
      CAPTURE(line);
      JsonDoc d(line);
      std::string_view level, msg, time;
      CHECK(d.root()["level"].get_string().get(level) == simdjson::SUCCESS);
      CHECK(d.root()["msg"].get_string().get(msg) == simdjson::SUCCESS);
      CHECK(d.root()["time"].get_string().get(time) == simdjson::SUCCESS);
      levels.insert(std::string(level));
    }
  };
  std::set<std::string> levels;
  // An error (the broken line), info (the summary) and debug (-v request lines).
  RunResult r = e2e::run_memconn({"--log-format", "json", "-v", "ingest", input, dir.file("missing.txt"), "--url",
                                  s.url(), "--bank", "b1", "--state", dir.file("state.json")},
                                 {.env = {{"TERM", "xterm"}}});
  CHECK(r.exit_code == 1);
  check_all_json(r.err, levels);
  CHECK(levels == std::set<std::string>{"debug", "error", "info"});

  // Failures before any command runs follow the format too: a bad config, a usage error.
  levels.clear();
  RunResult config = e2e::run_memconn({"--log-format=json", "--config", dir.file("none.toml"), "recall", "q"});
  CHECK(config.exit_code == 3);
  check_all_json(config.err, levels);
  RunResult usage = e2e::run_memconn({"--log-format", "json", "recall", "--budget", "huge", "q"});
  CHECK(usage.exit_code == 2);
  check_all_json(usage.err, levels);
  CHECK(levels == std::set<std::string>{"error"});
}
