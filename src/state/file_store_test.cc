#include "state/file_store.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace memconn;
namespace fs = std::filesystem;

namespace {
FileCheckpoint entry_for(const std::string& path, uint64_t offset) {
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  FileCheckpoint c;
  c.fingerprint.dev = st.st_dev;
  c.fingerprint.ino = st.st_ino;
  c.offset = offset;
  return c;
}
}  // namespace

TEST_CASE("the file store loads only the keys asked for, merges bucket by bucket and drops entries of vanished files") {
  fs::path dir = fs::temp_directory_path() / ("memconn-store-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string a = (dir / "a.txt").string(), b = (dir / "b.txt").string();
  std::ofstream(a) << "x\n";
  std::ofstream(b) << "y\n";
  FileStore store((dir / "state.json.files").string());
  std::string ka = "http://h#bank|" + a, kb = "http://h#bank|" + b;
  REQUIRE(store.merge({{ka, entry_for(a, 2)}, {kb, entry_for(b, 2)}}));
  auto got = store.load({ka, "http://h#bank|/nowhere"});
  REQUIRE(got);
  CHECK(got->size() == 1);
  CHECK(got->at(ka).offset == 2);
  CHECK(path_of_key(ka) == a);
  CHECK(path_of_key("no path here").empty());

  // b disappears; the next merge into its bucket forgets it, whoever's entry is merged.
  fs::remove(b);
  REQUIRE(store.merge({{kb, entry_for(a, 9)}}));  // a's inode under b's key: b is gone, dropped
  CHECK(store.load({kb})->empty());
  CHECK(store.load({ka})->size() == 1);
  REQUIRE(store.clear());
  CHECK(store.load({ka})->empty());
  fs::remove_all(dir);
}

TEST_CASE("the file store forgets the keys it is given and no others, and counts what it holds") {
  fs::path dir = fs::temp_directory_path() / ("memconn-store-forget-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string a = (dir / "a.txt").string(), b = (dir / "b.txt").string();
  std::ofstream(a) << "x\n";
  std::ofstream(b) << "y\n";
  FileStore store((dir / "state.json.files").string());
  std::string ka = "http://h#bank|" + a, kb = "http://h#bank|" + b, kb2 = "http://h#other|" + b;
  CHECK(*store.count() == 0);
  REQUIRE(store.merge({{ka, entry_for(a, 2)}, {kb, entry_for(b, 2)}, {kb2, entry_for(b, 2)}}));
  CHECK(*store.count() == 3);
  auto n = store.forget({kb, "http://h#bank|/never"});
  REQUIRE(n);
  CHECK(*n == 1);
  CHECK(store.load({kb})->empty());
  CHECK(store.load({ka, kb2})->size() == 2);  // another file, and the same file for another bank, stay
  CHECK(*store.count() == 2);
  fs::remove_all(dir);
}
