// Issue 12, point 4: --workers auto finds the concurrency an LLM-bound server keeps up with,
// and grows to --max-workers when nothing limits it.
#include <doctest/doctest.h>

#include "harness.h"

using namespace e2e;

namespace {

int64_t field(const JsonDoc& doc, const char* object, const char* key) {
  int64_t v = -1;
  if (doc.root()[object][key].get_int64().get(v)) return -1;
  return v;
}

std::vector<std::string> ingest(const Standin& s, const std::string& input, const std::string& state,
                                std::vector<std::string> extra) {
  std::vector<std::string> a{"ingest", input, "--bank", "b", "--url", s.url(), "--state", state, "--json",
                             "--batch-size", "2"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

}  // namespace

TEST_CASE("workers auto: an LLM-bound server (4 slots, 429 past a queue of 4) is kept busy, not flooded") {
  // 100 ms of service per request: the server's time, not a busy CI machine's, sets the latency.
  std::vector<std::string> capacity{"--capacity-slots", "4", "--capacity-queue", "4", "--capacity-ms", "100"};
  TempDir d;
  std::string input = write_lines(d.file("in.txt"), 600, "auto ");

  // The stand-in refuses a fixed flood: 32 workers against 8 places.
  Standin flooded(capacity);
  // (It may give up, exit 69, when every retry of some batch is refused.)
  run_memconn(ingest(flooded, input, d.file("f/state.json"), {"--workers", "32", "--retries", "1"}));
  CHECK(flooded.stats()["faults.429"] > 10);

  Standin s(capacity);
  auto r = run_memconn(ingest(s, input, d.file("a/state.json"), {"--workers", "auto", "--max-workers", "32"}));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  auto st = s.stats();
  CHECK(st.documents() == 600);
  // At most 1 % of the 300 requests refused, and every slot was used.
  CHECK(st["faults.429"] <= 3);
  CHECK(st.max_concurrent() >= 4);
  JsonDoc rep(r.out);
  std::string_view mode;
  CHECK_FALSE(rep.root()["concurrency"]["mode"].get_string().get(mode));
  CHECK(mode == "auto");
  CHECK(field(rep, "concurrency", "peak") >= 4);
  CHECK(field(rep, "concurrency", "peak") <= 32);
  CHECK(r.err.find("workers auto:") != std::string::npos);
}

TEST_CASE("workers auto: with nothing limiting the server it grows well past the default 4") {
  Standin s({"--latency-ms", "50"});
  TempDir d;
  std::string input = write_lines(d.file("in.txt"), 1200, "grow ");
  auto r = run_memconn(ingest(s, input, d.file("state.json"), {"--workers", "auto", "--max-workers", "24"}));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(s.stats().documents() == 1200);
  JsonDoc rep(r.out);
  CHECK(field(rep, "concurrency", "peak") >= 12);
  CHECK(s.stats().max_concurrent() >= 12);
}

TEST_CASE("workers auto: a server answering at once is not mistaken for a queueing one") {
  // Sub-millisecond answers jitter by more than half with the client's own scheduling: a
  // limit that took that for queueing shrank to one request at a time.
  Standin s;
  TempDir d;
  std::string input = write_lines(d.file("in.txt"), 2000, "fast ");
  auto r = run_memconn(ingest(s, input, d.file("state.json"), {"--workers", "auto"}));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(s.stats().documents() == 2000);
  JsonDoc rep(r.out);
  CHECK(field(rep, "concurrency", "final") >= 4);
}

TEST_CASE("workers auto: bad values are usage errors") {
  TempDir d;
  std::string input = write_lines(d.file("in.txt"), 1);
  for (std::vector<std::string> bad : {std::vector<std::string>{"--workers", "lots"}, {"--workers", "0"},
                                       {"--workers", "8", "--max-workers", "16"}, {"--workers", "auto", "--max-workers", "0"}}) {
    std::vector<std::string> a{"ingest", input, "--bank", "b", "--url", "http://127.0.0.1:1", "--state", d.file("s.json")};
    a.insert(a.end(), bad.begin(), bad.end());
    auto r = run_memconn(a);
    CAPTURE(bad[1]);
    CHECK(r.exit_code == 2);
  }
}
