#include "ingest/exports/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace memconn {

Result<std::unique_ptr<FileSource>> FileSource::open(const std::string& path, uint64_t start_offset) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{path + ": " + std::strerror(errno)};
  struct stat st{};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
    ::close(fd);
    return Error{path + ": " + std::strerror(e)};
  }
  if (start_offset > 0 && ::lseek(fd, static_cast<off_t>(start_offset), SEEK_SET) < 0) {
    int e = errno;
    ::close(fd);
    return Error{path + ": cannot seek to offset " + std::to_string(start_offset) + ": " + std::strerror(e)};
  }
  return std::unique_ptr<FileSource>(new FileSource(fd, path, static_cast<uint64_t>(st.st_size)));
}

FileSource::~FileSource() { ::close(fd_); }

Result<size_t> FileSource::read(char* buf, size_t n) {
  for (;;) {
    ssize_t k = ::read(fd_, buf, n);
    if (k >= 0) return static_cast<size_t>(k);
    if (errno == EINTR) continue;
    return Error{name_ + ": " + std::strerror(errno)};
  }
}

}  // namespace memconn
