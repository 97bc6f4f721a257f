// Streams lines from a file descriptor with constant memory, tracking line numbers and byte
// offsets so a run can resume mid-file. A line longer than max_line is never held whole: it
// is read past and reported as oversized with only its first bytes, so one hostile or broken
// line costs at most max_line + 64 KiB of memory.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace memconn {

struct Line {
  std::string_view text;  // without the trailing "\n" or "\r\n"; valid until the next next()
  uint64_t number = 0;    // 1-based
  uint64_t end_offset = 0;  // byte offset just past the newline
  // False for a last line the input ended without a newline: in a file someone is still
  // writing, the rest of that line may not be there yet.
  bool terminated = true;
  // Longer than max_line: text holds only its first kOversizedPrefix bytes, length the
  // line's full length (without the newline).
  bool oversized = false;
  uint64_t length = 0;
};

class LineReader {
 public:
  static constexpr size_t kOversizedPrefix = 256;
  // Reads from fd (not owned) starting at start_offset, numbering lines from first_line.
  // max_line = 0: no limit.
  LineReader(int fd, uint64_t start_offset = 0, uint64_t first_line = 1, uint64_t max_line = 0);
  // False at end of input or on a read error (see error()).
  bool next(Line& line);
  uint64_t offset() const { return offset_; }
  const std::string& error() const { return error_; }
  // True if a NUL byte was seen so far: the input is almost certainly binary.
  bool saw_nul() const { return saw_nul_; }
  // A pipe or terminal can stay silent for hours (tail -f | memconn): while waiting for
  // input, `stop` is asked every 100 ms and, once true, next() returns false and stopped()
  // is set. Regular files never block, so they are read without polling.
  void stop_when(std::function<bool()> stop) { stop_ = std::move(stop); }
  bool stopped() const { return stopped_; }

 private:
  bool fill();
  bool wait_readable();  // false once stop_ said so
  // Reads past the rest of an oversized line whose first `have` bytes are buffered.
  void skip_oversized(Line& line, size_t have);
  int fd_;
  std::function<bool()> stop_;
  bool stopped_ = false;
  std::string buf_;
  size_t pos_ = 0;   // consumed prefix of buf_
  bool eof_ = false;
  bool saw_nul_ = false;
  uint64_t offset_;  // file offset of buf_[pos_]
  uint64_t line_no_;
  bool at_start_;
  uint64_t max_line_;
  std::string prefix_;  // an oversized line's first bytes (what Line::text points to)
  std::string error_;
};

}  // namespace memconn
