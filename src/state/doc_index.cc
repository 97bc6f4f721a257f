#include "state/doc_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <simdjson.h>

#include "base/digest.h"
#include "base/exit_codes.h"
#include "base/json_writer.h"
#include "state/atomic_file.h"

namespace memconn {

std::string DocIndex::key_of(const std::string& label, const std::string& document_id) {
  return sha256_hex(label + '\0' + document_id).substr(0, 32);
}

Result<DocIndex::Bucket*> DocIndex::bucket(const std::string& key) {
  std::string name = key.substr(0, 2);
  auto it = loaded_.find(name);
  if (it != loaded_.end()) return &it->second;
  Bucket& b = loaded_[name];
  std::string path = dir_ + "/" + name + ".jsonl";
  if (!file_exists(path)) return &b;
  auto text = read_whole_file(path);
  if (!text) return Error{text.error().message, exit_code::kConfig};
  simdjson::dom::parser parser;
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) break;  // a torn last line: the run that wrote it died mid-write
    std::string_view line(text->data() + start, end - start);
    start = end + 1;
    simdjson::dom::element doc;
    std::string_view k, f;
    if (parser.parse(line.data(), line.size()).get(doc) || doc["k"].get_string().get(k) || doc["f"].get_string().get(f))
      return Error{path + ": a line is not an index record (remove the file to rebuild it from the next runs)",
                   exit_code::kConfig};
    Entry& e = b[std::string(k)];
    int64_t at = 0;
    std::string_view op;
    if (doc["op"].get_string().get(op)) op = "file";
    if (op == "file") {
      if (std::find(e.files.begin(), e.files.end(), f) == e.files.end()) e.files.emplace_back(f);
    } else if (!doc["line"].get_int64().get(at)) {
      std::pair<std::string, uint64_t> part{std::string(f), static_cast<uint64_t>(at)};
      std::erase(e.excluded, part);
      if (op == "exclude") e.excluded.push_back(part);
    }
  }
  return &b;
}

Status DocIndex::append(const std::string& key, const std::string& line) {
  std::string name = key.substr(0, 2);
  auto it = fds_.find(name);
  if (it == fds_.end()) {
    std::string path = dir_ + "/" + name + ".jsonl";
    if (auto st = make_parent_dirs(path); !st) return st;
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Error{"cannot write " + path + ": " + std::strerror(errno), exit_code::kConfig};
    it = fds_.emplace(name, fd).first;
  }
  // One write() per record: concurrent appenders (there are none under the run lock) and a
  // kill -9 can only leave a torn last line, which the reader skips. Synced with the state's
  // checkpoints (sync()), so no commit point on disk outlives the index lines before it.
  std::string rec = line + "\n";
  if (::write(it->second, rec.data(), rec.size()) != static_cast<ssize_t>(rec.size()))
    return Error{"cannot write " + dir_ + "/" + name + ".jsonl: " + std::strerror(errno), exit_code::kConfig};
  dirty_ = true;
  return ok_status();
}

Status DocIndex::sync() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!dirty_) return ok_status();
  for (const auto& [name, fd] : fds_)
    if (::fdatasync(fd) != 0) return Error{"cannot sync " + dir_ + "/" + name + ".jsonl: " + std::strerror(errno), exit_code::kConfig};
  dirty_ = false;
  return ok_status();
}

DocIndex::~DocIndex() {
  for (const auto& [name, fd] : fds_) ::close(fd);
}

Result<DocIndex::Entry> DocIndex::find(const std::string& label, const std::string& document_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto key = key_of(label, document_id);
  auto b = bucket(key);
  if (!b) return b.error();
  auto it = (*b)->find(key);
  if (it == (*b)->end()) return Entry{};
  return it->second;
}

Status DocIndex::add_file(const std::string& label, const std::string& document_id, const std::string& file) {
  std::lock_guard<std::mutex> lock(mu_);
  auto key = key_of(label, document_id);
  auto b = bucket(key);
  if (!b) return b.error();
  Entry& e = (**b)[key];
  if (std::find(e.files.begin(), e.files.end(), file) != e.files.end()) return ok_status();
  std::string line;
  JsonWriter w(line);
  w.begin_object().key("k").value(key).key("f").value(file).end_object();
  if (auto st = append(key, line); !st) return st;
  e.files.push_back(file);
  return ok_status();
}

Status DocIndex::exclude(const std::string& label, const std::string& document_id, const std::string& file, uint64_t line_no) {
  return mark_part(label, document_id, file, line_no, true);
}

Status DocIndex::include(const std::string& label, const std::string& document_id, const std::string& file, uint64_t line_no) {
  return mark_part(label, document_id, file, line_no, false);
}

Status DocIndex::mark_part(const std::string& label, const std::string& document_id, const std::string& file,
                           uint64_t line_no, bool excluded) {
  std::lock_guard<std::mutex> lock(mu_);
  auto key = key_of(label, document_id);
  auto b = bucket(key);
  if (!b) return b.error();
  std::string line;
  JsonWriter w(line);
  w.begin_object().key("k").value(key).key("f").value(file).key("op").value(excluded ? "exclude" : "include");
  w.key("line").value(line_no).end_object();
  if (auto st = append(key, line); !st) return st;
  auto& parts = (**b)[key].excluded;
  if (excluded) parts.emplace_back(file, line_no);
  else std::erase(parts, std::pair<std::string, uint64_t>{file, line_no});
  return ok_status();
}

Status DocIndex::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  loaded_.clear();
  for (const auto& [name, fd] : fds_) ::close(fd);
  fds_.clear();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (ec) return Error{"cannot remove " + dir_ + ": " + ec.message(), exit_code::kConfig};
  return ok_status();
}

}  // namespace memconn
