// Issue 9, points 2 and 11: a slow but healthy server is not an outage, and a server that
// never answered fails fast instead of waiting out --max-outage.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "harness.h"

using namespace e2e;

TEST_CASE("slow server: a retain answered after --timeout is re-sent once, called slow, and not an outage") {
  // The stand-in stores the batch, then answers after 2.5 s: an LLM extraction longer than
  // the client's timeout.
  Standin s({"--answer-delay-ms", "2500"});
  TempDir d;
  std::string input = write_lines(d.file("in.txt"), 20, "slow ");
  std::vector<std::string> args{"ingest", input, "--bank", "b", "--url", s.url(), "--state", d.file("st.json"),
                                "--json", "--workers", "1", "--batch-size", "20", "--breaker-failures", "1"};
  auto a = args;
  a.insert(a.end(), {"--timeout", "1s"});
  auto r = run_memconn(a);
  CHECK(r.exit_code == 69);
  CHECK_MESSAGE(r.err.find("may be slow, not down") != std::string::npos, r.err);
  CHECK(r.err.find("--timeout") != std::string::npos);
  CHECK(report_value(r.out, "failed") == 0);
  CHECK(report_value(r.out, "breaker_openings") == 0);
  CHECK_FALSE(file_exists(d.file("dead-letter.jsonl")));
  // Two POSTs, not six: each one makes the server pay for the extraction again.
  CHECK(s.stats().retain_requests() == 2);
  CHECK(s.stats().unique_document_ids() == 20);

  // With a timeout that fits the extraction, the re-run settles every line, once per id.
  a = args;
  a.insert(a.end(), {"--timeout", "20s"});
  auto again = run_memconn(a);
  CHECK_MESSAGE(again.exit_code == 0, again.err);
  CHECK(report_value(again.out, "sent") == 20);
  CHECK(s.stats().unique_document_ids() == 20);
}

TEST_CASE("never reached: a wrong port with 4 workers fails after the normal retries, naming the URL") {
  TempDir d;
  std::string input = write_lines(d.file("in.txt"), 100, "x ");
  // Port 1 refuses connections. --max-outage stays at its 5-minute default: the run must not
  // wait it out, since the target never answered once.
  std::string url = "http://127.0.0.1:1";
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_memconn({"ingest", input, "--bank", "b", "--url", url, "--state", d.file("st.json"), "--json",
                        "--workers", "4", "--batch-size", "5", "--breaker-failures", "2"},
                       {.timeout_s = 120});
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(r.exit_code == 69);
  CHECK_MESSAGE(r.err.find(url + " never answered") != std::string::npos, r.err);
  CHECK(r.err.find("check --url") != std::string::npos);
  CHECK(report_value(r.out, "breaker_openings") == 0);
  CHECK(took < 40);  // 6 attempts with full-jitter backoff: about 8 s at most, plus start-up
  CHECK_FALSE(file_exists(d.file("dead-letter.jsonl")));
}

TEST_CASE("slow server: reflect answered after --timeout is asked twice at most and called slow, not down") {
  Standin s({"--answer-delay-ms", "2500"});
  auto r = run_memconn({"reflect", "what happened?", "--bank", "b", "--url", s.url(), "--timeout", "1s"});
  CHECK(r.exit_code == 69);
  CHECK_MESSAGE(r.err.find("may be slow, not down") != std::string::npos, r.err);
  CHECK(r.err.find("raise --timeout") != std::string::npos);
  size_t asked = 0;
  for (const auto& q : s.requests()) asked += q.path.ends_with("/reflect");
  CHECK(asked == 2);  // not six: each one makes the server's LLM start over
  auto bad = run_memconn({"recall", "x", "--bank", "b", "--url", s.url(), "--timeout", "0"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--timeout must be greater than 0") != std::string::npos);
}

TEST_CASE("signals: a 300 s Retry-After does not hold SIGTERM - dlq retry exits 143 and keeps its entries") {
  Standin s({"--reject-marker", "POISON"});
  TempDir d;
  std::string path = d.write("in.txt", "POISON a\ngood b\n");
  std::string state = d.file("s/state.json");
  auto r = run_memconn({"ingest", path, "--bank", "b", "--url", s.url(), "--state", state});
  REQUIRE(r.exit_code == 1);
  REQUIRE(count_lines(d.file("s/dead-letter.jsonl")) == 1);
  // The server now answers 503 with Retry-After: 300 to everything.
  s.config(R"({"reject_marker":"","fail_rate":1,"retry_after":300})");
  pid_t pid = spawn_memconn({"dlq", "retry", "--bank", "b", "--url", s.url(), "--state", state}, {}, d.file("out"),
                            d.file("err"));
  for (int i = 0; i < 200 && s.stats().requests() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto t0 = std::chrono::steady_clock::now();
  ::kill(pid, SIGTERM);
  int code = wait_exit(pid, 30);
  if (code == -1) ::kill(pid, SIGKILL);
  CHECK(code == 143);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(15));
  CHECK(count_lines(d.file("s/dead-letter.jsonl")) == 1);
}
