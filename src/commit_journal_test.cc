#include "commit_journal.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace memconn;

TEST_CASE("the journal replays the furthest commit point per file and survives a torn tail") {
  auto path = std::filesystem::temp_directory_path() / ("memconn-journal-" + std::to_string(::getpid()));
  std::filesystem::remove(path);
  {
    CommitJournal j(path.string());
    FileCheckpoint a{{1, 2, 100, 100, "h"}, 10, 1, ""};
    j.record("k", a);
    a.offset = 50;
    a.line = 5;
    j.record("k", a);
    a.offset = 30;  // a stale record appended late must not move the point back
    j.record("k", a);
  }
  std::ofstream(path, std::ios::app) << "{\"key\":\"k\",\"dev\":1,\"ino";  // torn by a crash
  State s;
  CHECK(CommitJournal::replay(path.string(), s) == 2);
  CHECK(s.files["k"].offset == 50);
  CHECK(s.files["k"].line == 5);

  State other;  // a replaced file (new inode) takes the journal's point even if smaller
  other.files["k"] = FileCheckpoint{{1, 9, 500, 100, "x"}, 400, 40, ""};
  CommitJournal::replay(path.string(), other);
  CHECK(other.files["k"].fingerprint.ino == 2);

  CommitJournal j(path.string());
  bool saved = false;
  REQUIRE(j.checkpoint([&] { saved = true; return ok_status(); }));
  CHECK(saved);
  CHECK(std::filesystem::file_size(path) == 0);
  std::filesystem::remove(path);
}
