#include "state/commit_journal.h"

#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include "base/json_writer.h"

namespace memconn {

CommitJournal::~CommitJournal() {
  if (fd_ >= 0) ::close(fd_);
}

bool CommitJournal::open_locked() {
  if (fd_ < 0) fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  return fd_ >= 0;
}

void CommitJournal::record(const std::string& key, const FileCheckpoint& cp, const std::vector<uint64_t>& settled) {
  thread_local std::string line;  // one record per acknowledged batch: keep the buffer
  line.clear();
  JsonWriter w(line);
  const auto& f = cp.fingerprint;
  w.begin_object().key("key").value(key).key("dev").value(f.dev).key("ino").value(f.ino).key("size").value(f.size);
  w.key("head_len").value(f.head_len).key("head").value(f.head_sha256).key("offset").value(cp.offset);
  w.key("line").value(cp.line).key("settled").begin_array();
  for (auto l : settled) w.value(l);
  w.end_array().end_object();
  line.push_back('\n');
  std::unique_lock<std::mutex> lock(mu_);
  // Group commit: if another worker is writing, it takes this record along in its next
  // write() (before returning), so N workers acknowledging at once cost one syscall, not N.
  if (writing_) {
    queued_.append(line);
    return;
  }
  writing_ = true;
  if (open_locked()) {  // nobody else is writing: this record goes out as is
    lock.unlock();
    ssize_t n = ::write(fd_, line.data(), line.size());
    (void)n;
    lock.lock();
  }
  while (!queued_.empty()) {
    writing_buf_.clear();
    writing_buf_.swap(queued_);  // both keep their capacity from group to group
    bool open = open_locked();
    lock.unlock();
    if (open) {
      // One write() per group on O_APPEND: records never interleave or tear mid-file.
      ssize_t n = ::write(fd_, writing_buf_.data(), writing_buf_.size());
      (void)n;
    }
    lock.lock();
  }
  writing_ = false;
  idle_.notify_all();
}

Status CommitJournal::checkpoint(const std::function<Status()>& save) {
  const std::string old = path_ + ".old";
  {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [&] { return !writing_; });  // no write() may land in the part moved aside
    // An old part left by a failed save stays: this one's records are then simply kept in
    // the live journal too (replaying a covered record changes nothing).
    if (::access(old.c_str(), F_OK) != 0 && ::rename(path_.c_str(), old.c_str()) == 0 && fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;  // the next record opens a fresh journal
    }
  }
  auto st = save();
  if (!st) return st;
  if (::unlink(old.c_str()) != 0 && errno != ENOENT) return Error{"cannot remove " + old + ": " + std::strerror(errno), 1};
  return st;
}

size_t CommitJournal::replay(const std::string& path, State& state) {
  size_t n = replay_one(path + ".old", state);
  return n + replay_one(path, state);
}

size_t CommitJournal::replay_one(const std::string& path, State& state) {
  std::ifstream in(path);
  if (!in) return 0;
  simdjson::dom::parser parser;
  std::string text;
  size_t applied = 0;
  std::map<std::string, std::set<uint64_t>> settled;  // per key, union of every record's lines
  while (std::getline(in, text)) {
    simdjson::dom::element e;
    if (parser.parse(text).get(e)) continue;  // torn tail after a crash
    std::string_view key, head;
    FileCheckpoint cp;
    if (e["key"].get_string().get(key) || e["head"].get_string().get(head) || e["dev"].get_uint64().get(cp.fingerprint.dev) ||
        e["ino"].get_uint64().get(cp.fingerprint.ino) || e["size"].get_uint64().get(cp.fingerprint.size) ||
        e["head_len"].get_uint64().get(cp.fingerprint.head_len) || e["offset"].get_uint64().get(cp.offset) ||
        e["line"].get_uint64().get(cp.line))
      continue;
    cp.fingerprint.head_sha256 = head;
    simdjson::dom::array lines;
    if (!e["settled"].get_array().get(lines))
      for (auto l : lines) {
        uint64_t v = 0;
        if (!l.get_uint64().get(v)) settled[std::string(key)].insert(v);
      }
    auto& slot = state.files[std::string(key)];
    bool same = slot.fingerprint.dev == cp.fingerprint.dev && slot.fingerprint.ino == cp.fingerprint.ino &&
                slot.fingerprint.head_sha256 == cp.fingerprint.head_sha256;
    if (!same || cp.offset > slot.offset) {
      cp.updated = slot.updated;
      cp.settled_ahead = slot.settled_ahead;
      cp.shape = slot.shape;  // records do not repeat it: the checkpoint's stands
      slot = cp;
      ++applied;
    }
  }
  // Merge the settled lines with what the last checkpoint knew, keeping only those beyond
  // the (possibly advanced) commit point.
  for (auto& [key, lines] : settled) {
    auto& slot = state.files[key];
    for (const auto& [a, b] : slot.settled_ahead)
      for (uint64_t l = a; l <= b; ++l) lines.insert(l);
    lines.erase(lines.begin(), lines.upper_bound(slot.line));
    slot.settled_ahead.clear();
    for (auto l : lines) {
      if (!slot.settled_ahead.empty() && slot.settled_ahead.back().second + 1 == l) slot.settled_ahead.back().second = l;
      else slot.settled_ahead.emplace_back(l, l);
    }
    ++applied;
  }
  return applied;
}

}  // namespace memconn
