#include "state/file_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/digest.h"
#include "base/exit_codes.h"
#include "state/atomic_file.h"

namespace memconn {

namespace {

Result<State> read_bucket(const std::string& path) {
  if (!file_exists(path)) return State{};
  auto text = read_whole_file(path);
  if (!text) return Error{text.error().message, exit_code::kConfig};
  return decode_state(*text, path);
}

// Still the file the entry was written for: a path that is gone or names another inode
// would be read from the start by any later run, so its entry is dead weight.
bool still_there(const std::string& key, const FileCheckpoint& cp) {
  std::string path = path_of_key(key);
  if (path.empty()) return true;  // not a file key: keep what we do not understand
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return errno != ENOENT && errno != ENOTDIR;
  return static_cast<uint64_t>(st.st_dev) == cp.fingerprint.dev && static_cast<uint64_t>(st.st_ino) == cp.fingerprint.ino;
}

}  // namespace

std::string path_of_key(const std::string& key) {
  auto bar = key.find("|/");
  return bar == std::string::npos ? std::string() : key.substr(bar + 1);
}

std::string FileStore::bucket_path(const std::string& key) const {
  return dir_ + "/" + sha256_hex(key).substr(0, 2) + ".json";
}

Result<std::map<std::string, FileCheckpoint>> FileStore::load(const std::set<std::string>& keys) const {
  std::map<std::string, std::set<std::string>> by_bucket;
  for (const auto& k : keys) by_bucket[bucket_path(k)].insert(k);
  std::map<std::string, FileCheckpoint> out;
  for (const auto& [path, wanted] : by_bucket) {
    auto bucket = read_bucket(path);
    if (!bucket) return bucket.error();
    for (const auto& k : wanted)
      if (auto it = bucket->files.find(k); it != bucket->files.end()) out.emplace(k, std::move(it->second));
  }
  return out;
}

Status FileStore::merge(const std::map<std::string, FileCheckpoint>& entries) const {
  std::map<std::string, std::vector<const std::pair<const std::string, FileCheckpoint>*>> by_bucket;
  for (const auto& e : entries) by_bucket[bucket_path(e.first)].push_back(&e);
  for (const auto& [path, mine] : by_bucket) {
    auto bucket = read_bucket(path);
    if (!bucket) return bucket.error();
    State& b = *bucket;
    for (const auto* e : mine) b.files[e->first] = e->second;
    std::erase_if(b.files, [](const auto& e) { return !still_there(e.first, e.second); });
    b.runs.clear();
    b.connectors.clear();
    if (auto st = write_file_atomic(path, encode_state(b), 0600); !st) return st;
  }
  return ok_status();
}

std::string file_key(const std::string& target_label, const std::string& path) {
  std::error_code ec;
  return target_label + "|" + std::filesystem::absolute(path, ec).string();
}

Result<size_t> FileStore::forget(const std::set<std::string>& keys) const {
  std::map<std::string, std::vector<std::string>> by_bucket;
  for (const auto& k : keys) by_bucket[bucket_path(k)].push_back(k);
  size_t forgotten = 0;
  for (const auto& [path, mine] : by_bucket) {
    if (!std::filesystem::exists(path)) continue;
    auto bucket = read_bucket(path);
    if (!bucket) return bucket.error();
    State& b = *bucket;
    size_t before = b.files.size();
    for (const auto& k : mine) b.files.erase(k);
    if (b.files.size() == before) continue;
    forgotten += before - b.files.size();
    b.runs.clear();
    b.connectors.clear();
    if (auto st = write_file_atomic(path, encode_state(b), 0600); !st) return st.error();
  }
  return forgotten;
}

Result<size_t> FileStore::count() const {
  size_t n = 0;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir_, ec)) return n;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    if (e.path().extension() != ".json") continue;
    auto bucket = read_bucket(e.path().string());
    if (!bucket) return bucket.error();
    n += bucket->files.size();
  }
  return n;
}

Status FileStore::clear() const {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (ec) return Error{"cannot remove " + dir_ + ": " + ec.message(), exit_code::kConfig};
  return ok_status();
}

}  // namespace memconn
