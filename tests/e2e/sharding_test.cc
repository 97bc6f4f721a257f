// Issue 5, ingest --shard K/N: N processes over one input, started together, deliver every
// item exactly once, each with its own state file; a malformed value is a usage error.
#include <doctest/doctest.h>

#include <set>

#include "harness.h"
#include "shell_run.h"

using e2e::JsonDoc;
using e2e::RunResult;
using e2e::Standin;
using e2e::TempDir;

namespace {

}  // namespace

TEST_CASE("sharding: 4 concurrent shards deliver every item exactly once, each with its own state") {
  Standin s;
  TempDir dir;
  const int lines = 2000, n = 4;
  std::string input = e2e::write_lines(dir.file("big.txt"), lines, "memory number ");
  // One config directory for all four, so the default state files sit side by side.
  std::string xdg = dir.path() + "/xdg";
  e2e::RunOptions opts{.env = {{"XDG_STATE_HOME", xdg}}};  // the default state lives there
  std::vector<pid_t> pids;
  for (int k = 0; k < n; ++k) {
    std::string shard = std::to_string(k) + "/" + std::to_string(n);
    pids.push_back(e2e::spawn_memconn({"ingest", input, "--url", s.url(), "--bank", "b1", "--shard", shard, "--json",
                                       "--workers", "2", "--batch-size", "7"},
                                      opts, dir.file("out" + std::to_string(k)), dir.file("err" + std::to_string(k))));
  }
  int64_t sent = 0;
  for (int k = 0; k < n; ++k) {
    CAPTURE(k);
    REQUIRE(e2e::wait_exit(pids[k], 60) == 0);
    JsonDoc report(e2e::read_file(dir.file("out" + std::to_string(k))));
    CHECK(num(report, "/sent") + num(report, "/skipped_shard") == lines);
    CHECK(num(report, "/sent") > lines / n / 2);  // a rough balance: no shard gets (almost) nothing
    CHECK(num(report, "/items_read") == num(report, "/sent"));
    CHECK(report.root()["shard"].get_string().value() == std::to_string(k) + "/4");
    std::string state = xdg + "/memconn/state.shard-" + std::to_string(k) + "-of-4.json";
    CHECK(report.root()["state_file"].get_string().value() == state);
    CHECK(e2e::file_exists(state));
    sent += num(report, "/sent");
  }
  CHECK(sent == lines);
  auto st = s.stats();
  CHECK(st.items_received() == lines);
  CHECK(st.unique_document_ids() == lines);
  CHECK(st.resent_items() == 0);
  CHECK_FALSE(e2e::file_exists(xdg + "/memconn/state.json"));

  // Each shard resumes from its own state: a second round sends nothing new.
  for (int k = 0; k < n; ++k) {
    RunResult again = e2e::run_memconn(
        {"ingest", input, "--url", s.url(), "--bank", "b1", "--shard", std::to_string(k) + "/4", "--json"}, opts);
    CHECK(again.exit_code == 0);
    CHECK(num(JsonDoc(again.out), "/sent") == 0);
  }
  CHECK(s.stats().items_received() == lines);
}

TEST_CASE("sharding: --dry-run prints only the shard's items, and the shards add up to the whole") {
  TempDir dir;
  std::string input = e2e::write_lines(dir.file("in.txt"), 300, "dry ");
  std::multiset<std::string> all;
  for (int k = 0; k < 3; ++k) {
    RunResult r = e2e::run_memconn({"ingest", input, "--bank", "b1", "--dry-run", "--batch-size", "1", "--shard",
                                    std::to_string(k) + "/3"});
    REQUIRE(r.exit_code == 0);
    for (const auto& line : e2e::split_lines(r.out)) {
      JsonDoc body(line);
      for (auto item : body.root()["items"].get_array()) all.insert(std::string(item["content"].get_string().value()));
    }
  }
  CHECK(all.size() == 300);
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == 300);
}

TEST_CASE("sharding: a malformed --shard exits 2 with one line on stderr") {
  TempDir dir;
  std::string input = e2e::write_lines(dir.file("in.txt"), 3);
  for (const char* bad : {"4/4", "1/0", "x", "-1/4", "1/4/2", "0/"}) {
    CAPTURE(bad);
    RunResult r = e2e::run_memconn({"ingest", input, "--bank", "b1", "--url", "http://127.0.0.1:9", "--shard", bad});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    auto lines = e2e::split_lines(r.err);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].rfind("memconn: error: ", 0) == 0);
    CHECK(lines[0].find("shard") != std::string::npos);
  }
}
