#include "state/atomic_file.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace memconn;

namespace {

// A fresh directory per test case, removed afterwards, so cases cannot see each other's files.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/memconn-atomic-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { [[maybe_unused]] int rc = std::system(("rm -rf '" + path + "'").c_str()); }
};

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") out.push_back(n);
    }
    ::closedir(d);
  }
  return out;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("write_file_atomic writes, replaces and leaves no temp file") {
  TempDir t;
  std::string p = t.path + "/state.json";
  CHECK_FALSE(file_exists(p));
  REQUIRE(write_file_atomic(p, "one").ok());
  CHECK(file_exists(p));
  CHECK(*read_whole_file(p) == "one");
  REQUIRE(write_file_atomic(p, std::string(200'000, 'x')).ok());
  CHECK(read_whole_file(p)->size() == 200'000);
  REQUIRE(write_file_atomic(p, "").ok());
  CHECK(read_whole_file(p)->empty());
  CHECK(entries(t.path) == std::vector<std::string>{"state.json"});
}

TEST_CASE("write_file_atomic applies the mode exactly, ignoring umask") {
  TempDir t;
  mode_t old = ::umask(077);
  auto st1 = write_file_atomic(t.path + "/m.prom", "x", 0644);
  auto st2 = write_file_atomic(t.path + "/s.json", "x");
  ::umask(old);
  REQUIRE(st1.ok());
  REQUIRE(st2.ok());
  CHECK(mode_of(t.path + "/m.prom") == 0644);
  CHECK(mode_of(t.path + "/s.json") == 0600);
}

TEST_CASE("write_file_atomic creates missing parent directories 0700") {
  TempDir t;
  std::string p = t.path + "/a/b/c.txt";
  REQUIRE(write_file_atomic(p, "deep").ok());
  CHECK(*read_whole_file(p) == "deep");
  CHECK(mode_of(t.path + "/a") == 0700);
  CHECK(mode_of(t.path + "/a/b") == 0700);
}

TEST_CASE("write_file_atomic failure names the path, removes the temp, keeps the old file") {
  TempDir t;
  // Renaming a file over a non-empty directory fails even for root.
  std::string p = t.path + "/target";
  REQUIRE(::mkdir(p.c_str(), 0700) == 0);
  REQUIRE(write_file_atomic(p + "/keep", "k").ok());
  auto st = write_file_atomic(p, "new");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.rfind("cannot write " + p + ": ", 0) == 0);
  CHECK(entries(t.path) == std::vector<std::string>{"target"});
  CHECK(*read_whole_file(p + "/keep") == "k");

  // Parent path component is a regular file.
  auto st2 = write_file_atomic(p + "/keep/x", "x");
  REQUIRE_FALSE(st2.ok());
  CHECK(st2.error().message.find(p + "/keep") != std::string::npos);
}

TEST_CASE("read_whole_file reports the path and reason") {
  auto r = read_whole_file("/nonexistent/memconn/x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "cannot read /nonexistent/memconn/x: No such file or directory");
}

TEST_CASE("append_line_durable appends whole records") {
  TempDir t;
  std::string p = t.path + "/dlq/dead.jsonl";
  REQUIRE(append_line_durable(p, R"({"id":1})").ok());
  REQUIRE(append_line_durable(p, R"({"id":2})").ok());
  CHECK(*read_whole_file(p) == "{\"id\":1}\n{\"id\":2}\n");
  CHECK(mode_of(p) == 0600);
  auto bad = append_line_durable(p, "a\nb");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("newline") != std::string::npos);
  CHECK(*read_whole_file(p) == "{\"id\":1}\n{\"id\":2}\n");
}
