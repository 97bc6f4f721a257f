#include "ingest/input_set.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace memconn;
namespace fs = std::filesystem;

TEST_CASE("directories are walked recursively in sorted order with a glob") {
  auto root = fs::temp_directory_path() / ("memconn-inputs-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "b" / "deep");
  fs::create_directories(root / ".git");
  for (auto rel : {"a.txt", "b/c.txt", "b/deep/d.txt", "b/skip.md", ".git/x.txt", ".hidden.txt"})
    std::ofstream(root / rel) << "x\n";
  auto set = expand_inputs(std::vector<std::string>{root.string()}, "*.txt");
  REQUIRE(set.sources.size() == 3);
  CHECK(set.sources[0].path == (root / "a.txt").string());
  CHECK(set.sources[1].path == (root / "b/c.txt").string());
  CHECK(set.sources[2].path == (root / "b/deep/d.txt").string());
  CHECK(set.sources[0].size == 2);
  CHECK(set.problems.empty());
  CHECK(known_total_bytes(set) == 6);  // regular files: the progress line can show a total

  auto missing = expand_inputs(std::vector<std::string>{(root / "nope").string(), "-"}, "");
  REQUIRE(missing.problems.size() == 1);
  CHECK(missing.problems[0].find("nope: No such file") != std::string::npos);
  REQUIRE(missing.sources.size() == 1);
  CHECK(missing.sources[0].display == "stdin");
  CHECK(known_total_bytes(missing) == 0);  // stdin's size is unknown, so the total is too
  fs::remove_all(root);
}

TEST_CASE("a file reached twice and a directory symlink loop are taken once, with a note") {
  auto root = fs::temp_directory_path() / ("memconn-inputs-once-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "logs");
  std::ofstream(root / "logs/app.log") << "x\n";
  fs::create_directory_symlink(root / "logs", root / "logs/again");
  auto set = expand_inputs(std::vector<std::string>{(root / "logs").string(), (root / "logs/app.log").string()}, "");
  REQUIRE(set.sources.size() == 1);
  CHECK(set.sources[0].path == (root / "logs/app.log").string());
  REQUIRE(set.notes.size() == 2);
  CHECK(set.notes[0] == (root / "logs/again").string() + ": the same directory as " + (root / "logs").string() + ", read once");
  CHECK(set.notes[1] == (root / "logs/app.log").string() + ": the same file as " + (root / "logs/app.log").string() + ", read once");
  CHECK(set.problems.empty());
  fs::remove_all(root);
}

TEST_CASE("an empty directory or a glob matching nothing warns - a glob that left out every file is a problem when no input gave one") {
  auto root = fs::temp_directory_path() / ("memconn-inputs-empty-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "empty");
  fs::create_directories(root / "md");
  fs::create_directories(root / "hidden");
  std::ofstream(root / "md/a.md") << "x\n";
  std::ofstream(root / "md/b.md") << "x\n";
  std::ofstream(root / "hidden/.x") << "x\n";
  std::ofstream(root / "one.txt") << "x\n";
  std::string empty = (root / "empty").string(), md = (root / "md").string(), hidden = (root / "hidden").string();

  auto mixed = expand_inputs(std::vector<std::string>{empty, (root / "one.txt").string(), hidden}, "");
  CHECK(mixed.sources.size() == 1);
  CHECK(mixed.problems.empty());
  REQUIRE(mixed.warnings.size() == 2);
  CHECK(mixed.warnings[0] == empty + ": empty directory");
  CHECK(mixed.warnings[1] == hidden + ": no files to read (only hidden entries, which are skipped)");

  auto none = expand_inputs(std::vector<std::string>{md}, "*.txt");
  CHECK(none.sources.empty());
  CHECK(none.warnings.empty());
  REQUIRE(none.problems.size() == 1);
  CHECK(none.problems[0] == md + ": no file matches --glob '*.txt' (2 files do not): nothing to read");

  // Only empty directories: a quiet day, not a problem.
  auto quiet = expand_inputs(std::vector<std::string>{empty, hidden}, "");
  CHECK(quiet.sources.empty());
  CHECK(quiet.problems.empty());
  CHECK(quiet.warnings.size() == 2);

  auto with_stdin = expand_inputs(std::vector<std::string>{empty, "-"}, "");
  CHECK(with_stdin.problems.empty());
  CHECK(with_stdin.warnings.size() == 1);
  fs::remove_all(root);
}
