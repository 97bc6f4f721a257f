// Issue 21 (8): help as people type it.
#include <doctest/doctest.h>

#include "harness.h"

using e2e::RunResult;

TEST_CASE("help: memconn help [command], memconn version, and an unknown command named with the likely one") {
  RunResult r = e2e::run_memconn({"help", "ingest"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Usage: memconn ingest") != std::string::npos);
  CHECK(r.out.find("Global options (before or after the command): --url URL, --bank ID") != std::string::npos);
  r = e2e::run_memconn({"help", "dlq", "purge"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Usage: memconn dlq purge") != std::string::npos);
  r = e2e::run_memconn({"help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Usage: memconn [OPTIONS] SUBCOMMAND") != std::string::npos);
  r = e2e::run_memconn({"version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("memconn ", 0) == 0);
  r = e2e::run_memconn({"--url", "http://127.0.0.1:1", "ingset", "notes.txt"});
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.err.find("unknown command \"ingset\" (did you mean ingest?)") != std::string::npos, r.err);
  r = e2e::run_memconn({});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("a command is required") != std::string::npos);
}
