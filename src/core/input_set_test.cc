#include "core/input_set.h"

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

  auto missing = expand_inputs(std::vector<std::string>{(root / "nope").string(), "-"}, "");
  REQUIRE(missing.problems.size() == 1);
  CHECK(missing.problems[0].find("nope: No such file") != std::string::npos);
  REQUIRE(missing.sources.size() == 1);
  CHECK(missing.sources[0].display == "stdin");
  fs::remove_all(root);
}
