#include "ingest/text_blocks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

namespace memconn {

bool is_blank_line(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; });
}

BlockReader::BlockReader(int fd, TextUnit unit, uint64_t start_offset, uint64_t first_line, bool hold_unterminated,
                         uint64_t max_line)
    : fd_(fd), unit_(unit), hold_unterminated_(hold_unterminated), lines_(fd, start_offset, first_line, max_line),
      offset_(start_offset) {}

bool BlockReader::being_written() const {
  if (!hold_unterminated_) return false;
  // Two seconds without a change is taken as "the writer is done with this paragraph",
  // anything fresher as "still being written".
  struct stat st{};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  auto mtime = std::chrono::system_clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec) +
                                                     std::chrono::nanoseconds(st.st_mtim.tv_nsec));
  return std::chrono::system_clock::now() - mtime < std::chrono::seconds(2);
}

bool BlockReader::next(Block& b) {
  Line l;
  if (unit_ == TextUnit::Line) {
    if (!lines_.next(l)) return false;
    if (!l.terminated && hold_unterminated_) {
      held_back_ = true;
      held_line_ = l.number;
      return false;
    }
    b = Block{l.text, l.number, l.number, offset_, l.end_offset, !l.oversized && is_blank_line(l.text), l.oversized,
              l.length};
    offset_ = l.end_offset;
    return true;
  }
  text_.clear();
  uint64_t first = 0, last = 0, start = offset_;
  bool oversized = false;
  uint64_t longest = 0;
  for (;;) {
    if (!lines_.next(l)) break;
    if (!l.terminated && hold_unterminated_) {
      held_back_ = true;
      held_line_ = first ? first : l.number;
      return false;  // the paragraph holding it is not finished either
    }
    bool blank = !l.oversized && is_blank_line(l.text);
    if (l.oversized) {
      oversized = true;
      longest = std::max(longest, l.length);
    }
    if (first == 0 && blank) {  // blank lines between paragraphs
      offset_ = l.end_offset;
      start = offset_;
      continue;
    }
    offset_ = l.end_offset;
    if (blank) {
      b = Block{text_, first, l.number, start, l.end_offset, false, oversized, longest};
      return true;
    }
    if (first == 0) first = l.number;
    else text_ += '\n';
    text_.append(l.text);
    last = l.number;
  }
  if (first == 0) return false;
  // The input ended without a blank line after the paragraph: a transcript being written may
  // go on with it, so it is complete only once the file has been left alone.
  if (being_written()) {
    held_back_ = true;
    held_line_ = first;
    return false;
  }
  b = Block{text_, first, last, start, offset_, false, oversized, longest};
  return true;
}

bool resumes_cleanly(int fd, TextUnit unit, uint64_t offset) {
  if (offset == 0) return true;
  char before[4096];
  size_t want = static_cast<size_t>(std::min<uint64_t>(offset, sizeof before));
  ssize_t n = ::pread(fd, before, want, static_cast<off_t>(offset - want));
  if (n != static_cast<ssize_t>(want) || before[want - 1] != '\n') return false;  // ended mid-line
  if (unit == TextUnit::Line) return true;
  // The last line before the resume point: blank means the paragraph was closed.
  std::string_view head(before, want - 1);
  auto nl = head.rfind('\n');
  if (nl == std::string_view::npos && want == sizeof before) return false;  // a huge line: play safe
  std::string_view last = nl == std::string_view::npos ? head : head.substr(nl + 1);
  if (is_blank_line(last)) return true;
  // The paragraph ended at the end of the file back then; a non-blank line now following it
  // continues it.
  char after[256];
  ssize_t m = ::pread(fd, after, sizeof after, static_cast<off_t>(offset));
  if (m <= 0) return true;
  std::string_view next(after, static_cast<size_t>(m));
  if (auto e = next.find('\n'); e != std::string_view::npos) return is_blank_line(next.substr(0, e));
  return m < static_cast<ssize_t>(sizeof after) && is_blank_line(next);
}

}  // namespace memconn
