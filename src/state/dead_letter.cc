#include "state/dead_letter.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "state/atomic_file.h"
#include "base/json_writer.h"

namespace memconn {

std::string encode_dead_letter(const DeadLetter& d) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().key("time").value(d.time).key("source").value(d.source).key("line").value(d.line);
  w.key("document_id").value(d.document_id).key("item").raw(d.item_json.empty() ? "null" : d.item_json);
  w.key("http_status").value(static_cast<int64_t>(d.http_status)).key("error").value(d.error);
  w.key("attempts").value(d.attempts);
  if (!d.connector.empty()) w.key("connector").value(d.connector);
  if (!d.target.empty()) w.key("target").value(d.target);
  if (d.document_part) w.key("document_part").value(true);
  w.end_object();
  return s;
}

bool decode_dead_letter(std::string_view line, DeadLetter& out) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(line.data(), line.size()).get(doc)) return false;
  simdjson::dom::object o;
  if (doc.get_object().get(o)) return false;
  out = DeadLetter{};
  std::string_view sv;
  int64_t n;
  if (!o["time"].get_string().get(sv)) out.time = sv;
  if (!o["source"].get_string().get(sv)) out.source = sv;
  if (!o["line"].get_int64().get(n)) out.line = static_cast<uint64_t>(n);
  if (!o["document_id"].get_string().get(sv)) out.document_id = sv;
  simdjson::dom::element item;
  if (o["item"].get(item)) return false;
  out.item_json = simdjson::minify(item);
  if (!o["http_status"].get_int64().get(n)) out.http_status = static_cast<long>(n);
  if (!o["error"].get_string().get(sv)) out.error = sv;
  if (!o["attempts"].get_int64().get(n)) out.attempts = static_cast<int>(n);
  if (!o["connector"].get_string().get(sv)) out.connector = sv;
  if (!o["target"].get_string().get(sv)) out.target = sv;
  bool part = false;
  if (!o["document_part"].get_bool().get(part)) out.document_part = part;
  return true;
}

Result<std::vector<DeadLetter>> read_dead_letters(const std::string& path, size_t* torn) {
  std::vector<DeadLetter> out;
  if (torn) *torn = 0;
  std::ifstream in(path);
  if (!in) {
    if (!std::filesystem::exists(path)) return out;
    return Error{path + ": " + std::strerror(errno), 3};
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    DeadLetter d;
    if (decode_dead_letter(line, d)) {
      out.push_back(std::move(d));
    } else if (torn) {
      ++*torn;
    }
  }
  return out;
}

Status write_dead_letters(const std::string& path, const std::vector<DeadLetter>& entries) {
  std::string text;
  for (const auto& d : entries) text += encode_dead_letter(d) + "\n";
  return write_file_atomic(path, text, 0600);
}

DeadLetterWriter::~DeadLetterWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status DeadLetterWriter::append(const DeadLetter& d) {
  std::string line = encode_dead_letter(d) + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ < 0) {
    auto parent = std::filesystem::path(path_).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) return Error{"cannot open dead-letter file " + path_ + ": " + std::strerror(errno), 1};
    // A torn last line from an earlier crash must not glue onto our first entry.
    struct stat st{};
    if (::fstat(fd_, &st) == 0 && st.st_size > 0) {
      int rfd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
      char last = '\n';
      if (rfd >= 0) {
        if (::pread(rfd, &last, 1, st.st_size - 1) != 1) last = '\n';
        ::close(rfd);
      }
      if (last != '\n') line.insert(line.begin(), '\n');
    }
  }
  // O_APPEND + one write() per entry: concurrent entries never interleave.
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(fd_, line.data() + off, line.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{"cannot write dead-letter file " + path_ + ": " + std::strerror(errno), 1};
    off += static_cast<size_t>(n);
  }
  ::fdatasync(fd_);
  ++written_;
  return ok_status();
}

size_t DeadLetterWriter::written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return written_;
}

}  // namespace memconn
