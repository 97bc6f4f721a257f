#include "state/commit_journal.h"

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
    FileCheckpoint a;
    a.fingerprint = FileFingerprint{1, 2, 100, 100, std::string("h")};
    a.offset = 10;
    a.line = 1;
    j.record("k", a, {1, 7});
    a.offset = 50;
    a.line = 5;
    j.record("k", a, {2, 3, 4, 5, 9});
    a.offset = 30;  // a stale record appended late must not move the point back
    j.record("k", a, {8});
  }
  std::ofstream(path, std::ios::app) << "{\"key\":\"k\",\"dev\":1,\"ino";  // torn by a crash
  State s;
  CHECK(CommitJournal::replay(path.string(), s) == 3);
  CHECK(s.files["k"].offset == 50);
  CHECK(s.files["k"].line == 5);
  // Lines settled beyond the commit point (7, 8, 9) are remembered as ranges.
  CHECK(s.files["k"].settled_ahead == std::vector<std::pair<uint64_t, uint64_t>>{{7, 9}});

  State other;  // a replaced file (new inode) takes the journal's point even if smaller
  other.files["k"] = FileCheckpoint{{1, 9, 500, 100, "x"}, 400, 40, "", {}, ""};
  CommitJournal::replay(path.string(), other);
  CHECK(other.files["k"].fingerprint.ino == 2);

  CommitJournal j(path.string());
  bool saved = false;
  REQUIRE(j.checkpoint([&] { saved = true; return ok_status(); }));
  CHECK(saved);
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path.string() + ".old"));
}

TEST_CASE("a checkpoint lets records in while it saves, and a failed save keeps what it moved aside") {
  auto path = std::filesystem::temp_directory_path() / ("memconn-journal-rot-" + std::to_string(::getpid()));
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + ".old");
  CommitJournal j(path.string());
  FileCheckpoint a;
  a.fingerprint = FileFingerprint{1, 2, 100, 100, std::string("h")};
  a.offset = 10;
  a.line = 1;
  j.record("k", a, {});
  // A record made while save() runs (a worker acknowledging during the fsync) is not
  // blocked, and is not lost when the checkpoint ends.
  auto st = j.checkpoint([&] {
    FileCheckpoint b = a;
    b.offset = 20;
    b.line = 2;
    j.record("k", b, {});
    return Status(Error{"disk full", 1});
  });
  CHECK_FALSE(st);
  State s;
  CHECK(CommitJournal::replay(path.string(), s) == 2);  // the old part and the live one
  CHECK(s.files["k"].offset == 20);
  REQUIRE(j.checkpoint([] { return ok_status(); }));
  CHECK_FALSE(std::filesystem::exists(path.string() + ".old"));
  State after;
  CommitJournal::replay(path.string(), after);  // the live part survived both checkpoints
  CHECK(after.files["k"].offset == 20);
  std::filesystem::remove(path);
}
