// Issue 21: where the state lives, and what a user sees when it cannot be there.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "harness.h"

using e2e::RunResult;
using e2e::Standin;
using e2e::TempDir;

TEST_CASE("state paths: a MEMCONN_CONFIG naming a missing file is exit 3, not silently the default config and a fresh state") {
  Standin s;
  TempDir t;
  std::string notes = t.write("notes.txt", "a fact\n");
  RunResult r = e2e::run_memconn({"ingest", notes, "--url", s.url(), "--bank", "b"},
                                 {.env = {{"MEMCONN_CONFIG", t.file("cfg/nope.toml")}, {"HOME", t.path()}}});
  CHECK(r.exit_code == 3);
  CHECK_MESSAGE(r.err.find("MEMCONN_CONFIG names " + t.file("cfg/nope.toml") + ", which does not exist") != std::string::npos, r.err);
  CHECK(s.stats().documents() == 0);
  r = e2e::run_memconn({"doctor", "--url", s.url(), "--bank", "b"},
                       {.env = {{"MEMCONN_CONFIG", t.file("cfg/nope.toml")}, {"HOME", t.path()}}});
  CHECK(r.exit_code == 3);
}

TEST_CASE("state paths: a state folder that cannot be created is exit 73 with the reason and the fix, never 75 (another run holds the lock)") {
  Standin s;
  TempDir t;
  std::string notes = t.write("notes.txt", "a fact\n");
  t.write("blocker", "a file where the state folder should be\n");
  RunResult r = e2e::run_memconn({"ingest", notes, "--url", s.url(), "--bank", "b", "--state", t.file("blocker/state.json")});
  CHECK(r.exit_code == 73);
  CHECK_MESSAGE(r.err.find("cannot create the state folder") != std::string::npos, r.err);
  CHECK(r.err.find("another memconn run") == std::string::npos);
  CHECK(s.stats().documents() == 0);
  if (::geteuid() != 0) {  // root writes anywhere
    ::mkdir(t.file("ro").c_str(), 0500);
    r = e2e::run_memconn({"ingest", notes, "--url", s.url(), "--bank", "b", "--state", t.file("ro/state.json")});
    CHECK(r.exit_code == 73);
    CHECK_MESSAGE(r.err.find("no permission") != std::string::npos, r.err);
  }
}
