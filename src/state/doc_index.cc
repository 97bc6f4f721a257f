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

DocIndex::Key DocIndex::parse_key(std::string_view hex) {
  auto nibble = [](char c) -> uint64_t {
    if (c >= '0' && c <= '9') return static_cast<uint64_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint64_t>(c - 'a' + 10);
    return 0;
  };
  Key k;
  for (size_t i = 0; i < 32 && i < hex.size(); ++i) (i < 16 ? k.hi : k.lo) = (i < 16 ? k.hi : k.lo) << 4 | nibble(hex[i]);
  return k;
}

uint32_t DocIndex::file_id(std::string_view path) {
  auto it = file_ids_.find(std::string(path));
  if (it != file_ids_.end()) return it->second;
  files_.emplace_back(path);
  auto id = static_cast<uint32_t>(files_.size() - 1);
  file_ids_.emplace(files_.back(), id);
  return id;
}

Status DocIndex::load_bucket(const std::string& key) {
  std::string name = key.substr(0, 2);
  auto slot = static_cast<size_t>(parse_key(name).hi);  // the key's first byte
  if (loaded_[slot]) return ok_status();
  loaded_[slot] = true;
  std::string path = dir_ + "/" + name + ".jsonl";
  if (!file_exists(path)) return ok_status();
  if (!recs_.is_open()) {
    auto t = DiskTable::open(dir_);
    if (!t) return t.error();
    recs_ = std::move(*t);
  }
  auto text = read_whole_file(path);
  if (!text) return Error{text.error().message, exit_code::kConfig};
  // Every record, then folded per document in the order they were written.
  struct Line {
    Key key;
    uint32_t file;
    int op;  // 0 file, 1 exclude, 2 include
    uint64_t line;
  };
  std::vector<Line> lines;
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
    int64_t at = 0;
    std::string_view op;
    if (doc["op"].get_string().get(op)) op = "file";
    if (op == "file") lines.push_back({parse_key(k), file_id(f), 0, 0});
    else if (!doc["line"].get_int64().get(at))
      lines.push_back({parse_key(k), file_id(f), op == "exclude" ? 1 : 2, static_cast<uint64_t>(at)});
  }
  std::string().swap(*text);
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& c) { return a.key < c.key; });
  auto put = [&](const Key& k, uint32_t file, uint32_t more) { return recs_.insert({k.hi, static_cast<uint32_t>(k.lo >> 32), file, more}); };
  for (size_t i = 0; i < lines.size();) {
    size_t j = i;
    std::vector<uint32_t> files;
    std::vector<std::pair<uint32_t, uint64_t>> excluded;
    for (; j < lines.size() && lines[j].key == lines[i].key; ++j) {
      const Line& l = lines[j];
      if (l.op == 0) {
        if (std::find(files.begin(), files.end(), l.file) == files.end()) files.push_back(l.file);
        continue;
      }
      std::erase(excluded, std::pair{l.file, l.line});
      if (l.op == 1) excluded.emplace_back(l.file, l.line);
    }
    if (files.size() == 1 && excluded.empty()) {
      if (auto st = put(lines[i].key, files[0], 0); !st) return st;
    } else {
      Entry e;
      for (auto f : files) e.files.push_back(files_[f]);
      for (const auto& [f, line] : excluded) e.excluded.emplace_back(files_[f], line);
      complex_.push_back(std::move(e));
      if (auto st = put(lines[i].key, 0, static_cast<uint32_t>(complex_.size())); !st) return st;
    }
    i = j;
  }
  return ok_status();
}

Result<std::optional<DocIndex::Rec>> DocIndex::lookup(const std::string& key) {
  if (auto st = load_bucket(key); !st) return st.error();
  if (!recs_.is_open()) return std::optional<Rec>();
  Key k = parse_key(key);
  auto r = recs_.find(k.hi, static_cast<uint32_t>(k.lo >> 32));
  if (!r) return r.error();
  if (!r->has_value()) return std::optional<Rec>();
  return std::optional<Rec>(Rec{(*r)->v32, static_cast<uint32_t>((*r)->v64)});
}

DocIndex::Entry DocIndex::entry_of(const Rec& r) const {
  if (r.more > 0) return complex_[r.more - 1];
  Entry e;
  e.files.push_back(files_[r.file]);
  return e;
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
  auto r = lookup(key_of(label, document_id));
  if (!r) return r.error();
  return r->has_value() ? entry_of(**r) : Entry{};
}

Status DocIndex::add_file(const std::string& label, const std::string& document_id, const std::string& file) {
  std::lock_guard<std::mutex> lock(mu_);
  auto key = key_of(label, document_id);
  auto found = lookup(key);
  if (!found) return found.error();
  if (const auto& r = *found) {
    if (r->more == 0 ? files_[r->file] == file
                     : std::find(complex_[r->more - 1].files.begin(), complex_[r->more - 1].files.end(), file) !=
                           complex_[r->more - 1].files.end())
      return ok_status();
  }
  std::string line;
  JsonWriter w(line);
  w.begin_object().key("k").value(key).key("f").value(file).end_object();
  return append(key, line);
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
  std::string line;
  JsonWriter w(line);
  w.begin_object().key("k").value(key).key("f").value(file).key("op").value(excluded ? "exclude" : "include");
  w.key("line").value(line_no).end_object();
  return append(key, line);
}

Status DocIndex::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  loaded_.reset();
  recs_ = DiskTable();
  complex_.clear();
  for (const auto& [name, fd] : fds_) ::close(fd);
  fds_.clear();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (ec) return Error{"cannot remove " + dir_ + ": " + ec.message(), exit_code::kConfig};
  return ok_status();
}

}  // namespace memconn
