#include "ingest/line_reader.h"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace memconn {

namespace {
constexpr size_t kChunk = 64 * 1024;
}

LineReader::LineReader(int fd, uint64_t start_offset, uint64_t first_line, uint64_t max_line)
    : fd_(fd), offset_(start_offset), line_no_(first_line), at_start_(start_offset == 0), max_line_(max_line) {}

bool LineReader::wait_readable() {
  if (!stop_) return true;
  struct stat st{};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) return true;
  for (;;) {
    if (stop_()) return false;
    pollfd p{fd_, POLLIN, 0};
    int n = ::poll(&p, 1, 100);
    if (n > 0 || (n < 0 && errno != EINTR)) return true;  // data, EOF or an error read() will report
  }
}

bool LineReader::fill() {
  if (eof_) return false;
  if (!wait_readable()) {
    stopped_ = true;
    eof_ = true;
    return false;
  }
  if (pos_ > 0) {  // slide the unconsumed tail to the front so the buffer never grows needlessly
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  size_t old = buf_.size();
  buf_.resize(old + kChunk);
  ssize_t n;
  do {
    n = ::read(fd_, buf_.data() + old, kChunk);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    error_ = std::strerror(errno);
    buf_.resize(old);
    eof_ = true;
    return false;
  }
  buf_.resize(old + static_cast<size_t>(n));
  if (n == 0) {
    eof_ = true;
    return false;
  }
  if (std::memchr(buf_.data() + old, '\0', static_cast<size_t>(n))) saw_nul_ = true;
  return true;
}

bool LineReader::next(Line& line) {
  size_t scan_from = pos_;
  for (;;) {
    const char* base = buf_.data();
    const void* nl = std::memchr(base + scan_from, '\n', buf_.size() - scan_from);
    size_t end;
    size_t consumed;
    line.terminated = nl != nullptr;
    if (nl) {
      end = static_cast<const char*>(nl) - base;
      consumed = end + 1 - pos_;
    } else {
      size_t have = buf_.size() - pos_;
      // +1: a line of exactly max_line bytes may still have its "\r" of "\r\n" to come.
      if (max_line_ > 0 && have > max_line_ + 1) {
        skip_oversized(line, have);
        return true;
      }
      if (fill()) {
        scan_from = pos_ + have;  // rescan only the new bytes
        continue;
      }
      if (buf_.size() == pos_) return false;
      end = buf_.size();  // last line without a newline
      consumed = end - pos_;
    }
    base = buf_.data();
    std::string_view text(base + pos_, end - pos_);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    line.oversized = max_line_ > 0 && text.size() > max_line_;
    line.length = text.size();
    if (line.oversized) text = text.substr(0, kOversizedPrefix);
    if (at_start_) {
      if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
      at_start_ = false;
    }
    offset_ += consumed;
    pos_ += consumed;
    line.text = text;
    line.number = line_no_++;
    line.end_offset = offset_;
    return true;
  }
}

void LineReader::skip_oversized(Line& line, size_t have) {
  prefix_.assign(buf_, pos_, std::min(have, kOversizedPrefix));
  if (at_start_) {
    if (prefix_.starts_with("\xEF\xBB\xBF")) prefix_.erase(0, 3);
    at_start_ = false;
  }
  uint64_t length = have;
  uint64_t consumed = have;
  bool newline = false;
  char last = buf_.back();  // have > 0: the line's last byte so far
  buf_.clear();  // the line's bytes so far are counted, not kept
  pos_ = 0;
  while (!newline && fill()) {
    const void* nl = std::memchr(buf_.data(), '\n', buf_.size());
    size_t upto = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf_.data()) : buf_.size();
    if (upto > 0) last = buf_[upto - 1];
    length += upto;
    consumed += upto;
    if (nl) {
      newline = true;
      ++consumed;
      pos_ = upto + 1;  // what follows the newline stays for the next line
    } else {
      buf_.clear();
    }
  }
  // A "\r" just before the newline belongs to it, not to the line (as for a normal line).
  if (newline && last == '\r') --length;
  offset_ += consumed;
  line.text = prefix_;
  line.number = line_no_++;
  line.end_offset = offset_;
  line.terminated = newline;
  line.oversized = true;
  line.length = length;
}

}  // namespace memconn
