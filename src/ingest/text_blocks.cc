#include "ingest/text_blocks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace memconn {

bool is_blank_line(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; });
}

namespace {

// The fd from an offset on, by pread: the reader's position is its own, whatever else reads
// the same fd.
class FdSource : public ByteSource {
 public:
  FdSource(int fd, uint64_t offset) : fd_(fd), offset_(offset) {}
  Result<size_t> read(char* buf, size_t n) override {
    for (;;) {
      ssize_t k = ::pread(fd_, buf, n, static_cast<off_t>(offset_));
      if (k < 0 && errno == EINTR) continue;
      if (k < 0) return Error{name_ + ": " + std::strerror(errno)};
      offset_ += static_cast<uint64_t>(k);
      return static_cast<size_t>(k);
    }
  }
  const std::string& name() const override { return name_; }

 private:
  int fd_;
  uint64_t offset_;
  std::string name_ = "JSON array";
};

}  // namespace

BlockReader::BlockReader(int fd, TextUnit unit, uint64_t start_offset, uint64_t first_line, bool hold_unterminated,
                         uint64_t max_line)
    : fd_(fd), unit_(unit), hold_unterminated_(hold_unterminated), lines_(fd, start_offset, first_line, max_line),
      offset_(start_offset) {
  if (unit_ == TextUnit::JsonElement) {
    element_source_ = std::make_unique<FdSource>(fd, start_offset);
    SplitterOptions so;
    // Resuming just after an element an earlier run finished: a ',' or the closing ']' is next.
    so.resume = start_offset > 0;
    so.start_offset = start_offset;
    so.first_index = first_line > 0 ? first_line - 1 : 0;
    so.max_element_bytes = static_cast<size_t>(max_line);
    elements_ = std::make_unique<JsonArraySplitter>(*element_source_, so);
  }
}

bool starts_json_array(int fd) {
  char head[4096];
  ssize_t n = ::pread(fd, head, sizeof head, 0);
  if (n <= 0) return false;
  std::string_view v(head, static_cast<size_t>(n));
  if (v.substr(0, 3) == "\xEF\xBB\xBF") v.remove_prefix(3);
  auto at = v.find_first_not_of(" \t\r\n");
  return at != std::string_view::npos && v[at] == '[';
}

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
  if (unit_ == TextUnit::JsonElement) {
    JsonElement e;
    auto more = elements_->next(e);
    if (!more) {
      element_error_ = more.error().message;
      return false;
    }
    if (!*more) return false;
    b = Block{e.bytes, e.index + 1, e.index + 1, e.offset, e.end_offset, false, false, e.bytes.size()};
    offset_ = e.end_offset;
    return true;
  }
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
