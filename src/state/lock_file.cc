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

Error lock_error(const std::string& path, std::string_view what, int err) {
  return Error{"cannot lock " + path + ": " + std::string(what) + (err ? std::strerror(err) : ""),
               exit_code::kLocked};
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
  if (auto st = make_parent_dirs(path); !st.ok()) return Error{st.error().message, exit_code::kLocked};
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
      return fail(err == EINTR ? lock_error(path, "interrupted while waiting for the lock", 0)
                               : lock_error(path, "", err));
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
