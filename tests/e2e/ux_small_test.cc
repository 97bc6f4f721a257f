// Issue 21 (10): the smaller things users notice, through the real binary.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "harness.h"

using e2e::RunResult;
using e2e::Standin;
using e2e::TempDir;

using e2e::args;
using e2e::hindsight_args;

namespace {

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("ux small: --id-prefix without --unit file is a usage error in ingest and verify - nothing is sent") {
  Standin s;
  TempDir t;
  std::string f = t.write("notes.txt", "one\ntwo\n");
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"ingest", f, "--id-prefix", "notes/"}));
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(has(r.err, "memconn: error: --id-prefix applies only with --unit file\n"), r.err);
  CHECK(s.documents().empty());
  r = e2e::run_memconn(args(hindsight_args(s), {"ingest", f, "--unit", "paragraph", "--id-prefix", "notes/", "--dry-run"}));
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(has(r.err, "--id-prefix applies only with --unit file"), r.err);
  r = e2e::run_memconn(args(hindsight_args(s), {"verify", f, "--id-prefix", "notes/"}));
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(has(r.err, "memconn: error: --id-prefix applies only with --unit file\n"), r.err);
  // With --unit file it is what it was.
  r = e2e::run_memconn(args(hindsight_args(s), {"ingest", f, "--unit", "file", "--id-prefix", "notes/"}));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(s.document("notes/notes.txt").has_value());
}

TEST_CASE("ux small: the ingest summary says 1 duplicate, 1 retry, 1 document - not 1 duplicates") {
  // Every second request fails once: two batches of one item take three requests, one retry.
  Standin s({"--fail-every", "2"});
  TempDir t;
  std::string f = t.write("notes.txt", "alpha\nbeta\nalpha\n");
  std::string state = t.file("state.json");
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"--state", state, "ingest", f, "-b", "1", "-w", "1"}));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK_MESSAGE(has(r.err, "ingest ok: 2 sent, 1 duplicate, 0 failed, 1 retry ("), r.err);
  CHECK_FALSE(has(r.err, "1 duplicates"));
  // A re-run skips the committed lines: "3 lines", and one line "1 line".
  s.config(R"({"fail_every":0})");
  r = e2e::run_memconn(args(hindsight_args(s), {"--state", state, "ingest", f}));
  CHECK_MESSAGE(has(r.err, "0 duplicates, 0 failed, 0 retries, 3 lines skipped (already committed)"), r.err);
  std::string one = t.write("one.txt", "only\n");
  r = e2e::run_memconn(args(hindsight_args(s), {"ingest", one, "--dry-run"}));
  CHECK_MESSAGE(has(r.err, "dry run: 1 document; 1 item would be sent to "), r.err);
  r = e2e::run_memconn(args(hindsight_args(s), {"--state", state, "ingest", one}));
  CHECK_MESSAGE(has(r.err, "ingest ok: 1 sent, 0 duplicates, 0 failed, 0 retries ("), r.err);
  r = e2e::run_memconn(args(hindsight_args(s), {"--state", state, "ingest", one}));
  CHECK_MESSAGE(has(r.err, ", 1 line skipped (already committed)"), r.err);
}

TEST_CASE("ux small: an empty directory or a glob matching nothing warns - a glob that left out every file is exit 1, an empty inbox exit 0") {
  Standin s;
  TempDir t;
  t.write("notes/a.md", "from markdown\n");
  t.write("empty/.keep", "");
  std::string good = t.write("good.txt", "readable\n");
  // Beside a file that is read: a warning naming the directory, the run is ok.
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"ingest", t.file("empty"), good}));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK_MESSAGE(has(r.err, "memconn: warning: " + t.file("empty") + ": no files to read (only hidden entries, which are skipped)\n"),
                r.err);
  // Nothing to read at all: one error line naming the directory and the pattern, exit 1.
  r = e2e::run_memconn(args(hindsight_args(s), {"ingest", t.file("notes"), "--glob", "*.txt"}));
  CHECK(r.exit_code == 1);
  CHECK_MESSAGE(has(r.err, "memconn: error: " + t.file("notes") + ": no file matches --glob '*.txt' (1 file does not): nothing to read\n"),
                r.err);
  // An empty inbox is a quiet day for a cron job: a warning, exit 0, nothing sent.
  std::filesystem::create_directories(t.file("void"));
  r = e2e::run_memconn(args(hindsight_args(s), {"--json", "ingest", t.file("void")}));
  CHECK(r.exit_code == 0);
  CHECK_MESSAGE(has(r.err, "memconn: warning: " + t.file("void") + ": empty directory\n"), r.err);
  CHECK(e2e::report_value(r.out, "input_problems") == 0);
  CHECK(e2e::report_value(r.out, "sent") == 0);
  // verify says the same.
  r = e2e::run_memconn(args(hindsight_args(s), {"verify", t.file("void")}));
  CHECK_MESSAGE(has(r.err, t.file("void") + ": empty directory"), r.err);
}

TEST_CASE("ux small: https:// to the plain-HTTP stand-in says use http:// at once - in ingest and doctor") {
  Standin s;
  TempDir t;
  std::string f = t.write("notes.txt", "one\n");
  std::string url = "https://127.0.0.1:" + std::to_string(s.port());
  std::string hint = "the server at 127.0.0.1:" + std::to_string(s.port()) +
                     " answered in plain HTTP: use http:// instead of https://";
  // The default retries: a wrong scheme is not retried (5 retries with backoff took seconds).
  auto started = std::chrono::steady_clock::now();
  RunResult r = e2e::run_memconn({"--url", url, "--bank", "b1", "--state", t.file("state.json"), "--json", "ingest", f});
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(r.exit_code == 5);  // the URL answers, but not as the API: fix --url
  CHECK_MESSAGE(has(r.err, hint), r.err);
  CHECK_MESSAGE(has(r.out, "\"result\":\"wrong_target\""), r.out);
  CHECK_MESSAGE(has(r.out, "\"retries\":0,\"requests\":1,"), r.out);
  CHECK(took < std::chrono::seconds(2));
  CHECK(s.documents().empty());
  r = e2e::run_memconn({"--url", url, "--bank", "b1", "doctor"});
  CHECK(r.exit_code != 0);
  std::string said = r.out + r.err;
  CHECK_MESSAGE(has(said, "FAIL  tls          "), said);
  CHECK_MESSAGE(has(said, hint), said);
  CHECK_FALSE(has(said, "a private CA?"));  // the certificate hint would send them the wrong way
}

TEST_CASE("ux small: a UTF-16 file is skipped with the iconv command - a Latin-1 file's first warning carries the iconv hint") {
  Standin s;
  TempDir t;
  std::string u16 = "\xFF\xFE";
  for (char c : std::string("hello from windows\nsecond line\n")) {
    u16 += c;
    u16 += '\0';
  }
  std::string f16 = t.write("notes.txt", u16);
  std::string good = t.write("good.txt", "readable\n");
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"ingest", f16, good}));
  CHECK(r.exit_code == 1);  // as a binary file: an input that cannot be read
  CHECK_MESSAGE(has(r.err, "memconn: error: " + f16 + " looks like UTF-16, skipped; convert it first: iconv -f UTF-16 -t UTF-8 " +
                               f16 + " > " + t.file("notes-utf8.txt") + "\n"),
                r.err);
  CHECK(s.documents().size() == 1);

  std::string latin = t.write("old.txt", "caf\xE9 one\nna\xEFve two\nplain\n");
  r = e2e::run_memconn(args(hindsight_args(s), {"ingest", latin}));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK_MESSAGE(has(r.err, "memconn: warning: " + latin + ":1: invalid UTF-8 replaced with U+FFFD (if the file is Latin-1: iconv -f "
                               "LATIN1 -t UTF-8 " + latin + " > " + t.file("old-utf8.txt") + ")\n"),
                r.err);
  // Once per file: the second line's warning is the plain one.
  CHECK_MESSAGE(has(r.err, "memconn: warning: " + latin + ":2: invalid UTF-8 replaced with U+FFFD\n"), r.err);
}

TEST_CASE("ux small: ingest - from a pipe does not say reading stdin (Ctrl-D to end) - that is for a terminal") {
  Standin s;
  RunResult r = e2e::run_memconn(args(hindsight_args(s), {"ingest", "-"}), {.stdin_data = "piped one\npiped two\n"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK_FALSE(has(r.err, "reading stdin"));
  CHECK(s.documents().size() == 2);
}
