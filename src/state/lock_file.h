// One run at a time per state file: an exclusive flock on a lock file next to the state.
#pragma once
#include <string>

#include "base/result.h"

namespace memconn {

// Move-only RAII handle for an exclusive flock(2). flock locks belong to the open file
// description, so the kernel drops them when the process dies: no stale-lock cleanup, no
// pid-liveness guessing. The pid we write into the file is only for the error message.
// The file is never unlinked: unlinking while others wait would let a second run lock a
// fresh inode under the same name while the first still runs.
class FileLock {
 public:
  // Opens (creating, 0600, parent dirs 0700) and locks path, then records our pid in it.
  // Held by another process: wait=false fails with exactly
  //   "another memconn run holds <path> (pid N)"  (exit_code::kLocked)
  // and wait=true blocks until the holder releases. A signal that interrupts the wait
  // (EINTR) ends it with an error so Ctrl-C is not swallowed by a blocked lock.
  static Result<FileLock> acquire(const std::string& path, bool wait);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  const std::string& path() const { return path_; }
  bool held() const { return fd_ >= 0; }
  // Releases early; the destructor then does nothing.
  void release();

 private:
  FileLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
};

}  // namespace memconn
