// Scratch files a run keeps on disk instead of in memory (the part spool, the disk tables):
// unlinked at once, so they vanish with the process, kill -9 included.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "base/result.h"

namespace memconn {

// Owns a file descriptor: closed when it goes, moved and never copied (so the types holding
// one need no hand-written move or destructor).
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      close();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { close(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  void close();
  int fd_ = -1;
};

// An unlinked read-write file in `dir`, mode 0600 (O_TMPFILE, or a named file removed at once
// where the filesystem lacks it). `what` names it in the error.
Result<UniqueFd> open_scratch_file(const std::string& dir, const std::string& what);
// Whole reads and writes at an offset (retried on EINTR and short counts). False on an error
// (errno says which) or, for pread_all, on the end of the file.
bool pread_all(int fd, char* p, size_t n, uint64_t off);
bool pwrite_all(int fd, const char* p, size_t n, uint64_t off);

}  // namespace memconn
