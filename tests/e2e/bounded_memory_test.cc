// Issue 9 point 7: memory stays bounded whatever a server answers or an input holds. A reply
// over --max-response-bytes is one clear error (exit 5), never an out-of-memory kill; a line
// over --max-line-bytes is dead-lettered with the reason while the rest of the file lands.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "harness.h"

using namespace e2e;

namespace {

constexpr long kMiB = 1024;  // max_rss_kb is in KiB

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

void check_recall_over_cap(bool chunked) {
  std::vector<std::string> knobs{"--huge-body-bytes", "400000000"};
  if (chunked) knobs.push_back("--huge-body-chunked");
  Standin s(knobs);
  RunResult r = run_memconn({"--url", s.url(), "--bank", "b1", "recall", "anything"}, RunOptions{.timeout_s = 120, .measure_rss = true});
  CHECK_MESSAGE(r.exit_code == 5, r.err);
  CHECK(r.out.empty());
  // One line naming the cap, the option that raises it and the URL path.
  CHECK(count(r.err, "\n") == 1);
  CHECK(r.err.find("--max-response-bytes") != std::string::npos);
  CHECK(r.err.find("67108864") != std::string::npos);
  CHECK(r.err.find("/v1/default/banks/b1/memories/recall") != std::string::npos);
  // A reply over the cap is not retried: the next one would be just as large.
  CHECK(s.stats().requests() == 1);
  if (!kSanitized) CHECK_MESSAGE(r.max_rss_kb < 100 * kMiB, "peak RSS " << r.max_rss_kb << " KiB");
  MESSAGE("recall against a 400 MB " << std::string(chunked ? "chunked" : "sized") << " reply: peak RSS " << r.max_rss_kb / 1024
                                     << " MiB");
}

}  // namespace

TEST_CASE("bounded memory: recall against a 400 MB reply with a Content-Length fails at once, in little memory") {
  check_recall_over_cap(false);
}

TEST_CASE("bounded memory: recall against a 400 MB chunked reply is cut off at the cap, in little memory") {
  check_recall_over_cap(true);
}

TEST_CASE("bounded memory: --max-response-bytes and [defaults] max_response_bytes set the cap") {
  Standin s({"--huge-body-bytes", "5000", "--huge-body-chunked"});
  // 5000 bytes pass the default cap (and parse as an empty recall answer)...
  RunResult fine = run_memconn({"--url", s.url(), "--bank", "b1", "recall", "x"});
  CHECK_MESSAGE(fine.exit_code == 0, fine.err);
  // ...not a cap of 4096 bytes from the flag...
  RunResult flag = run_memconn({"--url", s.url(), "--bank", "b1", "recall", "x", "--max-response-bytes", "4096"});
  CHECK_MESSAGE(flag.exit_code == 5, flag.err);
  CHECK(flag.err.find("--max-response-bytes (4096 bytes)") != std::string::npos);
  // ...nor one from the config file, which the flag overrides.
  TempDir t;
  std::string cfg = t.write("memconn.toml", "[defaults]\nmax_response_bytes = 4096\n");
  RunResult conf = run_memconn({"--config", cfg, "--url", s.url(), "--bank", "b1", "reflect", "x"});
  CHECK_MESSAGE(conf.exit_code == 5, conf.err);
  CHECK(conf.err.find("/v1/default/banks/b1/reflect") != std::string::npos);
  RunResult over = run_memconn({"--config", cfg, "--url", s.url(), "--bank", "b1", "recall", "x", "--max-response-bytes", "10000"});
  CHECK_MESSAGE(over.exit_code == 0, over.err);
  CHECK(run_memconn({"recall", "x", "--max-response-bytes", "0"}).exit_code == 2);
}

TEST_CASE("bounded memory: a 50 MB line is dead-lettered with the reason, the normal lines land, memory stays small") {
  Standin s;
  TempDir t;
  std::string path = t.file("big.txt");
  {
    std::ofstream f(path, std::ios::binary);
    f << "first normal line\nsecond normal line\n";
    std::string chunk(1 << 20, 'y');
    for (int i = 0; i < 50; ++i) f << chunk;
    f << "\nthird normal line\n";
  }
  std::string state = t.file("state.json");
  RunResult r = run_memconn({"--url", s.url(), "--bank", "b1", "--state", state, "ingest", path, "--json"},
                            RunOptions{.timeout_s = 120, .measure_rss = true});
  CHECK_MESSAGE(r.exit_code == 1, r.err);  // partial: one line is in the dead-letter file
  JsonDoc rep(r.out);
  CHECK(rep.root()["sent"].get_uint64().value() == 3);
  CHECK(rep.root()["failed"].get_uint64().value() == 1);
  std::set<std::string> stored;
  for (const auto& d : s.documents()) stored.insert(d.content);
  CHECK(stored == std::set<std::string>{"first normal line", "second normal line", "third normal line"});
  CHECK(r.err.find("big.txt:3: line of 52428800 bytes is over --max-line-bytes (8388608)") != std::string::npos);
  std::string dlq = read_file(t.file("dead-letter.jsonl"));
  CHECK(count_lines(t.file("dead-letter.jsonl")) == 1);
  CHECK(dlq.find("over --max-line-bytes") != std::string::npos);
  CHECK(dlq.find("\"line\":3") != std::string::npos);
  CHECK(dlq.size() < 8192);  // the reason and the line's start, not 50 MB
  if (!kSanitized) CHECK_MESSAGE(r.max_rss_kb < 40 * kMiB, "peak RSS " << r.max_rss_kb << " KiB");
  MESSAGE("ingest of a file with a 50 MB line: peak RSS " << r.max_rss_kb / 1024 << " MiB");
  // The read went on and was committed: a re-run sends nothing.
  RunResult again = run_memconn({"--url", s.url(), "--bank", "b1", "--state", state, "ingest", path, "--json"});
  CHECK_MESSAGE(again.exit_code == 0, again.err);
  CHECK(JsonDoc(again.out).root()["sent"].get_uint64().value() == 0);
}

TEST_CASE("bounded memory: --max-line-bytes sets the limit, and dry runs apply it too") {
  Standin s;
  TempDir t;
  std::string path = t.write("lines.txt", "short\n" + std::string(300, 'z') + "\nshort two\n");
  RunResult dry = run_memconn({"--url", s.url(), "--bank", "b1", "ingest", path, "--dry-run", "--max-line-bytes", "100"});
  CHECK(dry.exit_code == 1);
  CHECK(dry.err.find("lines.txt:2: line of 300 bytes is over --max-line-bytes (100)") != std::string::npos);
  CHECK(count(dry.out, "\n") == 1);  // one batch with the two short lines
  RunResult run = run_memconn({"--url", s.url(), "--bank", "b1", "--state", t.file("s.json"), "ingest", path,
                               "--max-line-bytes", "1000"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  CHECK(s.documents().size() == 3);
}

TEST_CASE("bounded memory: an ingest whose server answers over the cap stops with exit 5, nothing dead-lettered") {
  Standin s({"--huge-body-bytes", "200000", "--huge-body-chunked"});
  TempDir t;
  std::string path = write_lines(t.file("in.txt"), 20);
  RunResult r = run_memconn({"--url", s.url(), "--bank", "b1", "--state", t.file("state.json"), "ingest", path,
                             "--max-response-bytes", "4096", "--json"});
  CHECK_MESSAGE(r.exit_code == 5, r.err);
  CHECK(r.err.find("larger than --max-response-bytes (4096 bytes)") != std::string::npos);
  CHECK(r.err.find("Nothing was dead-lettered") != std::string::npos);
  CHECK_FALSE(file_exists(t.file("dead-letter.jsonl")));
  CHECK(s.stats().retain_requests() <= 4);  // one per worker at most: the first answer stops the run
  // The server fixed, the same command stores every line once.
  s.config(R"({"huge_body_bytes":0})");
  RunResult again = run_memconn({"--url", s.url(), "--bank", "b1", "--state", t.file("state.json"), "ingest", path});
  CHECK_MESSAGE(again.exit_code == 0, again.err);
  CHECK(s.documents().size() == 20);
}
