#include "ingest/text_blocks.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

using namespace memconn;

namespace {

// A pipe holding text (closed for writing), so the reader meets a finished input.
int pipe_with(const std::string& text) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fds[1]);
  return fds[0];
}

struct Cut {
  std::string text;
  uint64_t first, last, start, end;
};

std::vector<Cut> cut(const std::string& text, TextUnit unit) {
  int fd = pipe_with(text);
  BlockReader r(fd, unit, 0, 1, false);
  std::vector<Cut> out;
  Block b;
  while (r.next(b)) out.push_back({std::string(b.text), b.first_line, b.last_line, b.start_offset, b.end_offset});
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE("paragraphs are cut at blank lines (whitespace-only counts), with the lines and offsets resume needs") {
  auto p = cut("a1\na2\n\n \t\nb\r\n\nc1\nc2", TextUnit::Paragraph);
  REQUIRE(p.size() == 3);
  CHECK(p[0].text == "a1\na2");
  CHECK(p[0].first == 1);
  CHECK(p[0].last == 3);  // the closing blank line is consumed with it
  CHECK(p[0].start == 0);
  CHECK(p[0].end == 7);
  CHECK(p[1].text == "b");
  CHECK(p[1].first == 5);
  CHECK(p[1].start == 10);
  CHECK(p[2].text == "c1\nc2");
  CHECK(p[2].first == 7);
  CHECK(p[2].end == 19);
}

TEST_CASE("the line unit returns every line, blank ones marked") {
  auto l = cut("x\n\ny\n", TextUnit::Line);
  REQUIRE(l.size() == 3);
  CHECK(l[1].text.empty());
  CHECK(l[2].first == 3);
}

TEST_CASE("resumes_cleanly: mid-line is never clean, a paragraph continued past the resume point is not") {
  char path[] = "/tmp/memconn-blocks-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  std::string text = "p1\n\np2 a\np2 b\nq";
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  CHECK(resumes_cleanly(fd, TextUnit::Line, 0));
  CHECK(resumes_cleanly(fd, TextUnit::Line, 3));
  CHECK_FALSE(resumes_cleanly(fd, TextUnit::Line, 2));
  CHECK(resumes_cleanly(fd, TextUnit::Paragraph, 4));        // after the blank line
  CHECK_FALSE(resumes_cleanly(fd, TextUnit::Paragraph, 9));  // "p2 a" went on with "p2 b"
  CHECK(resumes_cleanly(fd, TextUnit::Paragraph, 3));        // the next line is blank
  ::close(fd);
  ::unlink(path);
}
