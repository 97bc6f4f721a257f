#include "serve/connector_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/exit_codes.h"
#include "state/atomic_file.h"

namespace memconn {

namespace {

Status unlink_durably(const std::string& dir, const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return ok_status();
    return Error{"cannot remove " + path + ": " + std::strerror(errno), exit_code::kConfig};
  }
  // The removal survives a crash only once the directory is on disk.
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return ok_status();
}

}  // namespace

Result<std::optional<std::string>> ConnectorStore::read(const std::string& name) const {
  std::string path = toml_path(name);
  if (!file_exists(path)) return std::optional<std::string>();
  auto text = read_whole_file(path);
  if (!text) return text.error();
  return std::optional<std::string>(std::move(*text));
}

Status ConnectorStore::write(const std::string& name, const std::string& toml) const {
  // 0644 like a config file: it holds names and schedules, never a key.
  return write_file_atomic(toml_path(name), toml, 0644);
}

Status ConnectorStore::remove(const std::string& name) const {
  if (auto st = unlink_durably(dir_, toml_path(name)); !st) return st;
  return unlink_durably(dir_, paused_path(name));
}

Status ConnectorStore::set_paused(const std::string& name, bool paused, const std::string& since) const {
  if (!paused) return unlink_durably(dir_, paused_path(name));
  return write_file_atomic(paused_path(name), since + "\n", 0644);
}

}  // namespace memconn
