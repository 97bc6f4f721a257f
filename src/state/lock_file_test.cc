#include "state/lock_file.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <doctest/doctest.h>
#include <string>

#include "state/atomic_file.h"
#include "base/exit_codes.h"

using namespace memconn;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/memconn-lock-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { [[maybe_unused]] int rc = std::system(("rm -rf '" + path + "'").c_str()); }
};

// A child process that takes the lock, tells the parent through a pipe, then holds it until
// the parent writes to a second pipe (or for hold_ms if that is > 0). Only the child's exit
// releases a flock held by another process, which is the case the lock exists for.
struct Holder {
  pid_t pid = -1;
  int to_child = -1;
  bool timed = false;

  Holder(const std::string& path, int hold_ms) : timed(hold_ms > 0) {
    int ready[2], go[2];
    REQUIRE(::pipe(ready) == 0);
    REQUIRE(::pipe(go) == 0);
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(ready[0]);
      ::close(go[1]);
      auto lock = FileLock::acquire(path, false);
      char c = lock.ok() ? 'y' : 'n';
      [[maybe_unused]] auto w = ::write(ready[1], &c, 1);
      if (hold_ms > 0) {
        ::usleep(static_cast<useconds_t>(hold_ms) * 1000);
      } else {
        [[maybe_unused]] auto r = ::read(go[0], &c, 1);
      }
      ::_exit(lock.ok() ? 0 : 1);  // _exit: no doctest teardown in the child
    }
    ::close(ready[1]);
    ::close(go[0]);
    to_child = go[1];
    char c = 0;
    REQUIRE(::read(ready[0], &c, 1) == 1);
    ::close(ready[0]);
    REQUIRE(c == 'y');
  }
  int finish() {
    if (!timed) {  // a timed child may be gone already; writing would raise SIGPIPE
      char c = 'x';
      [[maybe_unused]] auto w = ::write(to_child, &c, 1);
    }
    ::close(to_child);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

}  // namespace

TEST_CASE("lock: acquire records our pid and release clears it") {
  TempDir t;
  std::string p = t.path + "/sub/memconn.lock";
  {
    auto lock = FileLock::acquire(p, false);
    REQUIRE(lock.ok());
    CHECK(lock->held());
    CHECK(*read_whole_file(p) == std::to_string(::getpid()) + "\n");
  }
  CHECK(read_whole_file(p)->empty());
  CHECK(FileLock::acquire(p, false).ok());  // released by the destructor
}

TEST_CASE("lock: another process holding it fails fast with its pid and exit code 75") {
  TempDir t;
  std::string p = t.path + "/memconn.lock";
  Holder h(p, 0);
  auto lock = FileLock::acquire(p, false);
  REQUIRE_FALSE(lock.ok());
  CHECK(lock.error().message == "another memconn run holds " + p + " (pid " + std::to_string(h.pid) + ")");
  CHECK(lock.error().exit_code == exit_code::kLocked);
  // The failed attempt must not have disturbed the holder's pid.
  CHECK(*read_whole_file(p) == std::to_string(h.pid) + "\n");
  CHECK(h.finish() == 0);
  auto after = FileLock::acquire(p, false);
  CHECK(after.ok());
}

TEST_CASE("lock: wait=true blocks until the holder exits") {
  TempDir t;
  std::string p = t.path + "/memconn.lock";
  Holder h(p, 300);
  auto start = std::chrono::steady_clock::now();
  auto lock = FileLock::acquire(p, true);
  auto waited = std::chrono::steady_clock::now() - start;
  REQUIRE(lock.ok());
  CHECK(waited >= std::chrono::milliseconds(150));
  CHECK(*read_whole_file(p) == std::to_string(::getpid()) + "\n");
  CHECK(h.finish() == 0);
}

TEST_CASE("lock: two handles in one process also exclude each other - move keeps it held") {
  TempDir t;
  std::string p = t.path + "/memconn.lock";
  auto a = FileLock::acquire(p, false);
  REQUIRE(a.ok());
  FileLock moved = std::move(*a);
  CHECK_FALSE(a->held());
  CHECK(moved.held());
  CHECK_FALSE(FileLock::acquire(p, false).ok());
  moved.release();
  CHECK_FALSE(moved.held());
  CHECK(FileLock::acquire(p, false).ok());
}
