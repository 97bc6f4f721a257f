// Issue 9, point 1: a server that fails every request is not a set of failing items. Wrong
// paths, redirects, 405s and persistent 5xx stop the run with nothing dead-lettered and the
// items still pending, so fixing the URL (or the server) and re-running stores every line.
#include <doctest/doctest.h>

#include <set>

#include "harness.h"

using namespace e2e;

namespace {

constexpr size_t kLines = 30;

struct Job {
  TempDir dir;
  std::string input = write_lines(dir.file("in.txt"), kLines, "note ");
  std::string state = dir.file("state/state.json");
  std::vector<std::string> args(const std::string& url, std::vector<std::string> extra = {}) const {
    std::vector<std::string> a{"ingest", input, "--bank", "team", "--url", url, "--state", state, "--json"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  std::string dead_letter() const { return dir.file("state/dead-letter.jsonl"); }
};

std::string report_string(const std::string& json, const char* key) {
  JsonDoc doc(json);
  std::string_view v;
  if (doc.root()[key].get_string().get(v)) return "";
  return std::string(v);
}

// After the fault is gone, the same command stores every line exactly once.
void rerun_stores_all(const Job& job, Standin& s) {
  auto again = run_memconn(job.args(s.url()));
  CHECK(again.exit_code == 0);
  CHECK(report_value(again.out, "sent") == static_cast<long long>(kLines));
  auto st = s.stats();
  CHECK(st.documents() == static_cast<long long>(kLines));
  CHECK(st.unique_document_ids() == static_cast<long long>(kLines));
}

size_t error_lines(const std::string& err) {
  size_t n = 0;
  for (size_t at = err.find("error:"); at != std::string::npos; at = err.find("error:", at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("failing server: a wrong URL path (404 for every request) stops at once and dead-letters nothing") {
  Standin s;
  Job job;
  auto r = run_memconn(job.args(s.url() + "/hindsight", {"--workers", "1"}));
  CHECK(r.exit_code == 5);
  CHECK(report_string(r.out, "result") == "wrong_target");
  CHECK(report_value(r.out, "failed") == 0);
  CHECK(r.err.find("POST /hindsight/v1/default/banks/team/memories answered HTTP 404") != std::string::npos);
  CHECK(r.err.find("check --url") != std::string::npos);
  CHECK(error_lines(r.err) == 1);
  CHECK_FALSE(file_exists(job.dead_letter()));
  CHECK(s.stats().requests() == 1);  // one answer is enough: no bisection, no retries
  rerun_stores_all(job, s);
}

TEST_CASE("failing server: 405 and a redirect stop the run the same way") {
  for (int status : {405, 302}) {
    CAPTURE(status);
    Standin s({"--status-always", std::to_string(status), "--status-detail", "Method Not Allowed"});
    Job job;
    auto r = run_memconn(job.args(s.url(), {"--workers", "2"}));
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("answered HTTP " + std::to_string(status)) != std::string::npos);
    CHECK(report_value(r.out, "failed") == 0);
    CHECK_FALSE(file_exists(job.dead_letter()));
    CHECK(s.stats().requests() <= 2);
    s.config(R"({"status_always":0})");
    rerun_stores_all(job, s);
  }
}

TEST_CASE("failing server: a persistent 500 (LLM provider down) is an outage, not 30 dead letters") {
  Standin s({"--status-always", "500", "--status-detail", "LLM provider error: connection refused"});
  Job job;
  auto r = run_memconn(job.args(s.url(), {"--workers", "2", "--retries", "2"}));
  CHECK(r.exit_code == 69);
  CHECK(report_value(r.out, "failed") == 0);
  CHECK(r.err.find("LLM provider error: connection refused") != std::string::npos);
  CHECK(r.err.find("not the items") != std::string::npos);
  CHECK_FALSE(file_exists(job.dead_letter()));
  // Each worker gives up on its first batch after 1 + 2 attempts; nothing is bisected.
  CHECK(s.stats().requests() <= 6);
  s.config(R"({"status_always":0})");
  rerun_stores_all(job, s);
}

TEST_CASE("failing server: the same 400 for item after item stops the run and those items stay pending") {
  Standin s({"--status-always", "400", "--status-detail", "Invalid bank configuration"});
  Job job;
  auto r = run_memconn(job.args(s.url(), {"--workers", "1", "--same-failure-limit", "4"}));
  CHECK(r.exit_code == 5);
  CHECK(report_value(r.out, "failed") == 0);
  CHECK(r.err.find("4 items in a row failed with the same answer (HTTP 400: Invalid bank configuration)") !=
        std::string::npos);
  CHECK_FALSE(file_exists(job.dead_letter()));
  s.config(R"({"status_always":0})");
  rerun_stores_all(job, s);
}

TEST_CASE("failing server: poison items between good ones are still dead-lettered below the limit") {
  Standin s({"--reject-marker", "POISON"});
  TempDir dir;
  std::string input;
  // Three poison lines in a row (a streak shorter than the limit) and one on its own.
  for (int i = 0; i < 40; ++i) input += ((i >= 10 && i < 13) || i == 30 ? "POISON " : "good ") + std::to_string(i) + "\n";
  std::string path = dir.write("in.txt", input);
  auto r = run_memconn({"ingest", path, "--bank", "b", "--url", s.url(), "--state", dir.file("s/state.json"), "--json",
                        "--workers", "1", "--same-failure-limit", "4"});
  CHECK(r.exit_code == 1);
  CHECK(report_value(r.out, "failed") == 4);
  CHECK(count_lines(dir.file("s/dead-letter.jsonl")) == 4);
  CHECK(s.stats().documents() == 36);
}
