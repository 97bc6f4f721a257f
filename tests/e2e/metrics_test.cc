// Issue 5, ingest --metrics-file: a well-formed Prometheus text exposition whose values are
// the ones of the --json report, replaced atomically and world-readable (node_exporter's
// textfile collector runs as another user and must never read a half-written file).
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "harness.h"
#include "shell_run.h"

using e2e::JsonDoc;
using e2e::RunResult;
using e2e::Standin;
using e2e::TempDir;

namespace {

struct Exposition {
  std::map<std::string, std::string> help, type;  // by metric name
  std::map<std::string, double> samples;          // by "name{labels}" as written
};

// Parses the text format strictly enough that node_exporter would accept what passes:
// HELP and TYPE once per family, before its samples; valid names, labels and values.
Exposition parse_exposition(const std::string& text) {
  static const std::regex help_re(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+))");
  static const std::regex type_re(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex sample_re(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? (\S+))");
  Exposition e;
  bool ends_with_newline = !text.empty() && text.back() == '\n';
  REQUIRE_MESSAGE(ends_with_newline, "the exposition must end with a newline");
  for (const auto& line : e2e::split_lines(text)) {
    CAPTURE(line);
    std::smatch m;
    if (std::regex_match(line, m, help_re)) {
      CHECK(e.help.count(m[1]) == 0);
      e.help[m[1]] = m[2];
    } else if (std::regex_match(line, m, type_re)) {
      CHECK(e.type.count(m[1]) == 0);
      e.type[m[1]] = m[2];
    } else if (std::regex_match(line, m, sample_re)) {
      CHECK_MESSAGE(e.help.count(m[1]) == 1, "sample before its # HELP");
      CHECK_MESSAGE(e.type.count(m[1]) == 1, "sample before its # TYPE");
      size_t used = 0;
      double v = std::stod(m[3].str(), &used);
      CHECK(used == m[3].str().size());
      std::string key = m[1].str() + m[2].str();
      CHECK(e.samples.count(key) == 0);
      e.samples[key] = v;
    } else {
      FAIL_CHECK("not a HELP, TYPE or sample line");
    }
  }
  return e;
}

double now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("metrics: --metrics-file agrees with the --json report") {
  // Every third request fails once (retries > 0); one bad JSON line (failed = 1, exit 1).
  Standin s({"--fail-every", "3", "--retry-after", "0"});
  TempDir dir;
  std::string input = dir.write("in.jsonl",
                                "{\"content\":\"a\"}\n{\"content\":\"b\"}\n{\"content\":\"a\"}\n{not json\n"
                                "{\"content\":\"c\"}\n{\"content\":\"d\"}\n{\"content\":\"e\"}\n");
  std::string prom = dir.file("textfile/memconn.prom");
  double before = now_s();
  RunResult r = e2e::run_memconn({"ingest", input, "--url", s.url(), "--bank", "b1", "--batch-size", "1",
                                  "--metrics-file", prom, "--json", "--state", dir.file("state.json")});
  double after = now_s();
  REQUIRE_MESSAGE(r.exit_code == 1, r.err);
  JsonDoc report(r.out);
  CHECK(num(report, "/failed") == 1);
  CHECK(num(report, "/duplicates") == 1);
  CHECK(num(report, "/retries") > 0);

  Exposition e = parse_exposition(e2e::read_file(prom));
  const std::string l = "{command=\"ingest\"}";
  CHECK(e.type["memconn_items_read_total"] == "counter");
  CHECK(e.type["memconn_run_duration_seconds"] == "gauge");
  CHECK(e.samples.at("memconn_items_read_total" + l) == num(report, "/items_read"));
  CHECK(e.samples.at("memconn_items_sent_total" + l) == num(report, "/sent"));
  CHECK(e.samples.at("memconn_items_failed_total" + l) == num(report, "/failed"));
  CHECK(e.samples.at("memconn_items_duplicates_total" + l) == num(report, "/duplicates"));
  CHECK(e.samples.at("memconn_retries_total" + l) == num(report, "/retries"));
  CHECK(e.samples.at("memconn_last_exit_code" + l) == num(report, "/exit_code"));
  double elapsed = report.root()["elapsed_s"].get_double().value();
  CHECK(e.samples.at("memconn_run_duration_seconds" + l) == doctest::Approx(elapsed).epsilon(0.001));
  double ended = e.samples.at("memconn_last_run_timestamp_seconds" + l);
  CHECK(ended >= before - 1);
  CHECK(ended <= after + 1);
  CHECK(e.samples.count("memconn_last_success_timestamp_seconds" + l) == 0);  // exit 1 is not a success

  struct stat st{};
  REQUIRE(::stat(prom.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
}

TEST_CASE("metrics: the file is replaced atomically with mode 0644 whatever the umask") {
  Standin s;
  TempDir dir;
  std::string input = e2e::write_lines(dir.file("in.txt"), 5);
  std::string prom = dir.write("memconn.prom", "# the previous run's file\n");
  // A hard link keeps the inode a reader may have open: an in-place rewrite would change it,
  // an atomic replace (write a temp file, rename it over) leaves it as it was.
  REQUIRE(::link(prom.c_str(), dir.file("reader-view").c_str()) == 0);
  std::string cmd = "umask 077; exec " + e2e::shell_quote(MEMCONN_BIN) + " ingest " + e2e::shell_quote(input) +
                    " --url " + s.url() + " --bank b1 --shard 1/2 --metrics-file " + e2e::shell_quote(prom) +
                    " --state " + e2e::shell_quote(dir.file("state.json"));
  auto r = e2e::run_shell(cmd);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(e2e::read_file(dir.file("reader-view")) == "# the previous run's file\n");
  struct stat st{};
  REQUIRE(::stat(prom.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
  Exposition e = parse_exposition(e2e::read_file(prom));
  const std::string l = "{command=\"ingest\",shard=\"1/2\"}";
  CHECK(e.samples.at("memconn_items_sent_total" + l) + e.samples.at("memconn_items_skipped_shard_total" + l) == 5);
  CHECK(e.samples.count("memconn_last_success_timestamp_seconds" + l) == 1);
  // No temporary file left behind beside it.
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) names.insert(entry.path().filename());
  CHECK(names == std::set<std::string>{"in.txt", "memconn.prom", "reader-view", "state.json", "state.json.files",
                                       "state.json.lock"});
}
