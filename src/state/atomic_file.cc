#include "state/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace memconn {

namespace {

Error os_error(std::string_view what, const std::string& path, int err) {
  return Error{std::string(what) + " " + path + ": " + std::strerror(err)};
}

// Directory part of path: "a/b/c" -> "a/b", "c" -> ".", "/c" -> "/".
std::string dir_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // close() can report a deferred write error (NFS), so the success path checks it.
  int close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// write() until everything is out; short writes and EINTR are normal on some filesystems.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

int fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int rc = ::fsync(fd);
  int err = rc < 0 ? errno : 0;
  ::close(fd);
  // Some filesystems cannot fsync a directory; the data itself is already synced.
  return (err == EINVAL || err == EROFS) ? 0 : err;
}

}  // namespace

Status make_parent_dirs(const std::string& path) {
  std::string dir = dir_of(path);
  if (dir == "." || dir == "/") return ok_status();
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return ok_status();
    return Error{"cannot create directory " + dir + ": exists and is not a directory"};
  }
  if (auto up = make_parent_dirs(dir); !up.ok()) return up;
  if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) {
    return os_error("cannot create directory", dir, errno);
  }
  return ok_status();
}

Status write_file_atomic(const std::string& path, std::string_view content, mode_t mode) {
  if (auto st = make_parent_dirs(path); !st.ok()) return st;
  std::string dir = dir_of(path);
  // Same directory as the target: rename is only atomic within one filesystem.
  std::string tmp = path.substr(0, path.size() - base_of(path).size()) + "." + base_of(path) + ".tmp." +
                    std::to_string(::getpid());

  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (fd.get() < 0) return os_error("cannot write", path, errno);
  auto fail = [&](int err) {
    ::unlink(tmp.c_str());
    return os_error("cannot write", path, err);
  };
  // A stale temp left by a crashed run with our pid keeps its old mode; fchmod also
  // undoes the umask so 0644 metrics really are world-readable.
  if (::fchmod(fd.get(), mode) < 0) return fail(errno);
  if (!write_all(fd.get(), content)) return fail(errno);
  if (::fsync(fd.get()) < 0) return fail(errno);
  if (fd.close() < 0) return fail(errno);
  if (::rename(tmp.c_str(), path.c_str()) < 0) return fail(errno);
  if (int err = fsync_dir(dir); err != 0) return os_error("cannot sync directory of", path, err);
  return ok_status();
}

Result<std::string> read_whole_file(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return os_error("cannot read", path, errno);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return os_error("cannot read", path, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Status append_line_durable(const std::string& path, std::string_view line, mode_t mode) {
  if (line.find('\n') != std::string_view::npos) {
    return Error{"cannot append to " + path + ": record contains a newline"};
  }
  if (auto st = make_parent_dirs(path); !st.ok()) return st;
  bool existed = file_exists(path);
  Fd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode));
  if (fd.get() < 0) return os_error("cannot append to", path, errno);
  std::string rec;
  rec.reserve(line.size() + 1);
  rec.append(line);
  rec.push_back('\n');
  ssize_t n;
  do {
    n = ::write(fd.get(), rec.data(), rec.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return os_error("cannot append to", path, errno);
  // A short append (disk full) leaves a torn record; say so rather than retry and risk a
  // second partial copy. Readers skip a last line without '\n'.
  if (static_cast<size_t>(n) != rec.size()) {
    return Error{"cannot append to " + path + ": short write (" + std::to_string(n) + " of " +
                 std::to_string(rec.size()) + " bytes; disk full?)"};
  }
  if (::fdatasync(fd.get()) < 0) return os_error("cannot sync", path, errno);
  if (fd.close() < 0) return os_error("cannot append to", path, errno);
  if (!existed) {
    if (int err = fsync_dir(dir_of(path)); err != 0) return os_error("cannot sync directory of", path, err);
  }
  return ok_status();
}

}  // namespace memconn
