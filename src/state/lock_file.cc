#include "state/lock_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "state/atomic_file.h"
#include "base/exit_codes.h"

namespace memconn {

namespace {

// Not contention: the lock file cannot be made or used (a read-only disk, a file where the
// state folder should be, no permission). 73, not 75: retrying will not help, the fix is local.
Error lock_error(const std::string& path, std::string_view what, int err) {
  std::string fix;
  if (err == EROFS) fix = " (the disk is read-only: point --state or [state] path elsewhere)";
  else if (err == ENOTDIR || err == EEXIST) fix = " (a file stands where the state folder should be: move it or point --state elsewhere)";
  else if (err == EACCES || err == EPERM) fix = " (no permission: point --state or [state] path to a folder you can write)";
  else if (err == ENOSPC) fix = " (the disk is full)";
  return Error{"cannot lock " + path + ": " + std::string(what) + (err ? std::strerror(err) : "") + fix,
               exit_code::kCantCreate};
}

// The holder writes its pid right after it gets the lock, so a reader can catch the file
// empty for a moment; poll briefly before giving up on naming the pid.
std::string holder_pid(int fd) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    char buf[32];
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n > 0) {
      std::string s(buf, static_cast<size_t>(n));
      size_t end = s.find_first_not_of("0123456789");
      if (end != 0) return s.substr(0, end);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return "unknown";
}

}  // namespace

Result<FileLock> FileLock::acquire(const std::string& path, bool wait) {
  if (auto st = make_parent_dirs(path); !st.ok()) {
    std::string fix = " (point --state or [state] path to a folder that can be created and written)";
    return Error{"cannot create the state folder: " + st.error().message + fix, exit_code::kCantCreate};
  }
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return lock_error(path, "", errno);
  // Until we hold the lock, failing must only close: a FileLock would truncate the file and
  // erase the holder's pid.
  auto fail = [fd](Error e) {
    ::close(fd);
    return e;
  };

  if (::flock(fd, LOCK_EX | LOCK_NB) < 0) {
    if (errno != EWOULDBLOCK) return fail(lock_error(path, "", errno));
    if (!wait) {
      return fail(Error{"another memconn run holds " + path + " (pid " + holder_pid(fd) + ")", exit_code::kLocked});
    }
    if (::flock(fd, LOCK_EX) < 0) {
      int err = errno;
      if (err == EINTR) return fail(Error{"cannot lock " + path + ": interrupted while waiting for the lock", exit_code::kLocked});
      return fail(lock_error(path, "", err));
    }
  }
  FileLock lock(path, fd);
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) < 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    return lock_error(path, "cannot record pid: ", errno);
  }
  return lock;
}

FileLock::FileLock(FileLock&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) { other.fd_ = -1; }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() { release(); }

void FileLock::release() {
  if (fd_ < 0) return;
  // Clear the pid while still holding the lock so nobody reads a pid that no longer holds it.
  [[maybe_unused]] int rc = ::ftruncate(fd_, 0);
  ::close(fd_);  // closing the last descriptor of the description drops the flock
  fd_ = -1;
}

}  // namespace memconn
