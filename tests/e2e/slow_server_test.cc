// Issue 9, points 2 and 11: a slow but healthy server is not an outage, and a server that
// never answered fails fast instead of waiting out --max-outage.
#include <doctest/doctest.h>

#include <chrono>

#include "harness.h"

using namespace e2e;

namespace {

long long report_value(const std::string& json, const char* key) {
  JsonDoc doc(json);
  int64_t v = -1;
  if (doc.root()[key].get_int64().get(v)) return -1;
  return v;
}

}  // namespace

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
