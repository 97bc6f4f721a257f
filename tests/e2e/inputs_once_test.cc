// Issue 9, point 4 (and the symlink loop of point 12): a file reached twice in one run is read
// once. Two readers of one file would share its checkpoint slot, and an interrupted run could
// commit the end of the file for lines never acknowledged.
#include <unistd.h>

#include <doctest/doctest.h>

#include <filesystem>

#include "harness.h"

using namespace e2e;

TEST_CASE("inputs: the same file named twice (a directory and its file) is read once with a note") {
  Standin s;
  TempDir t;
  write_lines(t.file("logs/app.log"), 300, "event ");
  std::vector<std::string> args{"ingest", t.file("logs"), t.file("logs/app.log"), "--bank", "b", "--url", s.url(),
                                "--state", t.file("state.json"), "--json"};
  auto r = run_memconn(args);
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(report_value(r.out, "sent") == 300);
  CHECK(report_value(r.out, "duplicates") == 0);
  CHECK(report_value(r.out, "items_read") == 300);
  CHECK(r.err.find(t.file("logs/app.log") + ": the same file as " + t.file("logs/app.log") + ", read once") !=
        std::string::npos);
  CHECK(s.stats().documents() == 300);
  // A hard link is the same file under another name.
  REQUIRE(::link(t.file("logs/app.log").c_str(), t.file("app-link.log").c_str()) == 0);
  args[2] = t.file("app-link.log");
  auto again = run_memconn(args);
  CHECK(again.exit_code == 0);
  CHECK(report_value(again.out, "sent") == 0);
  CHECK(report_value(again.out, "skipped") == 300);
  CHECK(s.stats().items_received() == 300);
}

TEST_CASE("inputs: a directory symlink loop is walked once") {
  Standin s;
  TempDir t;
  write_lines(t.file("notes/a.txt"), 5, "note ");
  std::filesystem::create_directory_symlink(t.file("notes"), t.file("notes/loop"));
  auto r = run_memconn({"ingest", t.file("notes"), "--bank", "b", "--url", s.url(), "--state", t.file("state.json"),
                        "--json"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(report_value(r.out, "items_read") == 5);
  CHECK(report_value(r.out, "duplicates") == 0);
  CHECK(r.err.find(t.file("notes/loop") + ": the same directory as " + t.file("notes") + ", read once") !=
        std::string::npos);
  CHECK(s.stats().items_received() == 5);
}
