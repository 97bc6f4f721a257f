#include "ingest/line_reader.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

using namespace memconn;

namespace {
struct Pipe {
  int fds[2];
  explicit Pipe(const std::string& data) {
    REQUIRE(::pipe(fds) == 0);
    // Writer thread-free: fine for data below the pipe buffer size used in these tests.
    REQUIRE(::write(fds[1], data.data(), data.size()) == static_cast<ssize_t>(data.size()));
    ::close(fds[1]);
  }
  ~Pipe() { ::close(fds[0]); }
};

std::vector<Line> all_lines(LineReader& r, std::vector<std::string>& texts) {
  std::vector<Line> out;
  Line l;
  while (r.next(l)) {
    texts.emplace_back(l.text);
    out.push_back(l);
  }
  return out;
}
}  // namespace

TEST_CASE("lines are split on LF, CRLF is stripped, last line needs no newline") {
  Pipe p("a\r\nbb\n\nccc");
  LineReader r(p.fds[0]);
  std::vector<std::string> t;
  auto lines = all_lines(r, t);
  REQUIRE(t == std::vector<std::string>{"a", "bb", "", "ccc"});
  CHECK(lines[0].end_offset == 3);
  CHECK(lines[1].end_offset == 6);
  CHECK(lines[2].number == 3);
  CHECK(lines[3].end_offset == 10);
  CHECK(lines[2].terminated);
  CHECK_FALSE(lines[3].terminated);
}

TEST_CASE("a reader waiting on a silent pipe gives up once asked to stop") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::write(fds[1], "a\nhalf", 6) == 6);  // the writer stays open and says nothing more
  LineReader r(fds[0]);
  std::atomic<bool> stop{false};
  r.stop_when([&] { return stop.load(); });
  Line l;
  REQUIRE(r.next(l));
  CHECK(l.text == "a");
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    stop = true;
  });
  auto t0 = std::chrono::steady_clock::now();
  // What was read is handed over, marked unterminated (its writer may still have finished it).
  REQUIRE(r.next(l));
  CHECK(l.text == "half");
  CHECK_FALSE(l.terminated);
  CHECK_FALSE(r.next(l));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK(r.stopped());
  stopper.join();
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_CASE("a UTF-8 BOM is stripped only at the start of the file") {
  Pipe p("\xEF\xBB\xBFhello\n\xEF\xBB\xBFkeep\n");
  LineReader r(p.fds[0]);
  std::vector<std::string> t;
  all_lines(r, t);
  CHECK(t == std::vector<std::string>{"hello", "\xEF\xBB\xBFkeep"});
}

TEST_CASE("resuming at an offset continues numbering and offsets") {
  Pipe p("x\ny\n");
  LineReader r(p.fds[0], 100, 42);
  Line l;
  REQUIRE(r.next(l));
  CHECK(l.number == 42);
  CHECK(l.end_offset == 102);
}

TEST_CASE("lines longer than the read chunk are returned whole") {
  std::string big(300000, 'z');
  char tmpl[] = "/tmp/memconn-lr-XXXXXX";
  int fd = mkstemp(tmpl);
  REQUIRE(fd >= 0);
  std::string data = "a\n" + big + "\nb\n";
  REQUIRE(::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
  ::lseek(fd, 0, SEEK_SET);
  LineReader r(fd);
  std::vector<std::string> t;
  all_lines(r, t);
  ::close(fd);
  ::unlink(tmpl);
  REQUIRE(t.size() == 3);
  CHECK(t[1].size() == big.size());
  CHECK(t[2] == "b");
}

TEST_CASE("NUL bytes mark the input as binary") {
  Pipe p(std::string("ab\0cd\n", 6));
  LineReader r(p.fds[0]);
  Line l;
  r.next(l);
  CHECK(r.saw_nul());
}

TEST_CASE("a line over max_line is read past with its length and first bytes, the next lines are intact") {
  std::string big(300 * 1024, 'x');  // several read chunks long
  std::string data = "short\n" + big + "\r\nafter\n" + std::string(50, 'y') + "\nlast";
  FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  REQUIRE(std::fwrite(data.data(), 1, data.size(), f) == data.size());
  std::fflush(f);
  int fd = ::fileno(f);
  REQUIRE(::lseek(fd, 0, SEEK_SET) == 0);
  LineReader r(fd, 0, 1, 40);
  std::vector<std::string> t;
  auto lines = all_lines(r, t);
  std::fclose(f);
  REQUIRE(lines.size() == 5);
  CHECK(t[0] == "short");
  CHECK_FALSE(lines[0].oversized);
  CHECK(lines[1].oversized);
  CHECK(lines[1].length == big.size());
  CHECK(t[1] == big.substr(0, LineReader::kOversizedPrefix));
  CHECK(lines[1].end_offset == 6 + big.size() + 2);
  CHECK(t[2] == "after");
  CHECK(lines[2].number == 3);
  CHECK(lines[3].oversized);  // 50 bytes, found whole in the buffer: still over 40
  CHECK(lines[3].length == 50);
  CHECK(t[4] == "last");
  CHECK(lines[4].end_offset == data.size());
}
