#include "state/doc_index.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <random>

using namespace memconn;

namespace {
std::string scratch_dir() {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() / ("memconn-docindex-" + std::to_string(rd()));
  std::filesystem::remove_all(dir);
  return dir.string();
}
}  // namespace

// What one run records, the next run reads back: files in the order first met, parts left
// out and taken back in, for many documents (most in one file) and a few in several.
TEST_CASE("doc index: entries written by one run read back whole in the next") {
  std::string dir = scratch_dir();
  {
    DocIndex index(dir);
    for (int d = 0; d < 3000; ++d) REQUIRE(index.add_file("hs", "doc" + std::to_string(d), "/a.jsonl"));
    REQUIRE(index.add_file("hs", "doc7", "/b.jsonl"));
    REQUIRE(index.add_file("hs", "doc7", "/a.jsonl"));  // a repeat within a run is appended again, and folded on reading
    REQUIRE(index.exclude("hs", "doc9", "/a.jsonl", 4));
    REQUIRE(index.exclude("hs", "doc9", "/a.jsonl", 6));
    REQUIRE(index.include("hs", "doc9", "/a.jsonl", 4));
    REQUIRE(index.exclude("hs", "only-excluded", "/c.jsonl", 1));
    REQUIRE(index.sync());
  }
  DocIndex index(dir);
  for (int d = 0; d < 3000; d += 97) {
    CAPTURE(d);
    auto e = index.find("hs", "doc" + std::to_string(d));
    REQUIRE(e);
    if (d == 7) continue;
    CHECK(e->files == std::vector<std::string>{"/a.jsonl"});
    CHECK(e->excluded.empty());
  }
  auto seven = index.find("hs", "doc7");
  REQUIRE(seven);
  CHECK(seven->files == std::vector<std::string>{"/a.jsonl", "/b.jsonl"});
  auto nine = index.find("hs", "doc9");
  REQUIRE(nine);
  CHECK(nine->files == std::vector<std::string>{"/a.jsonl"});
  CHECK(nine->excluded == std::vector<std::pair<std::string, uint64_t>>{{"/a.jsonl", 6}});
  auto only = index.find("hs", "only-excluded");
  REQUIRE(only);
  CHECK(only->files.empty());
  CHECK(only->excluded.size() == 1);
  // Another target's documents are others.
  auto other = index.find("lr", "doc1");
  REQUIRE(other);
  CHECK(other->files.empty());
  // A file the index held when the bucket was read is not recorded twice.
  auto bytes = [&] {
    uintmax_t n = 0;
    for (const auto& f : std::filesystem::directory_iterator(dir)) n += f.file_size();
    return n;
  };
  auto before = bytes();
  REQUIRE(index.add_file("hs", "doc1", "/a.jsonl"));
  CHECK(bytes() == before);
  REQUIRE(index.add_file("hs", "doc1", "/new.jsonl"));
  CHECK(bytes() > before);
  std::filesystem::remove_all(dir);
}
