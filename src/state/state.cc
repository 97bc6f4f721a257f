#include "state/state.h"

#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "state/atomic_file.h"
#include "base/digest.h"
#include "base/json_writer.h"

namespace memconn {

namespace {

void write_run(JsonWriter& w, const RunRecord& r) {
  w.begin_object().key("command").value(r.command).key("started").value(r.started).key("finished").value(r.finished);
  w.key("result").value(r.result).key("sent").value(r.sent).key("failed").value(r.failed);
  w.key("duplicates").value(r.duplicates).key("skipped").value(r.skipped);
  if (!r.error.empty()) w.key("error").value(r.error);
  if (r.fetched) w.key("fetched").value(r.fetched);
  if (r.skipped_empty) w.key("skipped_empty").value(r.skipped_empty);
  if (!r.warning.empty()) w.key("warning").value(r.warning);
  if (r.updated) w.key("updated").value(r.updated);
  w.end_object();
}

// Hex text: a JSON number would lose the top bits in readers that use doubles.
std::string digest_text(uint64_t d) {
  static const char* hex = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, d >>= 4) s[static_cast<size_t>(i)] = hex[d & 15];
  return s;
}

void write_seen(JsonWriter& w, const SeenId& id) {
  w.begin_object().key("id").value(id.id).key("created_at").value(id.created_at);
  if (id.digest) w.key("digest").value(digest_text(id.digest));
  w.end_object();
}

std::string str(simdjson::dom::element e, const char* key) {
  std::string_view sv;
  return e[key].get_string().get(sv) ? std::string() : std::string(sv);
}
uint64_t num(simdjson::dom::element e, const char* key) {
  uint64_t v = 0;
  if (e[key].get_uint64().get(v)) return 0;
  return v;
}

RunRecord read_run(simdjson::dom::element e) {
  RunRecord r;
  r.command = str(e, "command");
  r.started = str(e, "started");
  r.finished = str(e, "finished");
  r.result = str(e, "result");
  r.sent = num(e, "sent");
  r.failed = num(e, "failed");
  r.duplicates = num(e, "duplicates");
  r.skipped = num(e, "skipped");
  r.error = str(e, "error");
  r.fetched = num(e, "fetched");
  r.skipped_empty = num(e, "skipped_empty");
  r.warning = str(e, "warning");
  r.updated = num(e, "updated");
  return r;
}

uint64_t read_digest(simdjson::dom::element e) {
  std::string s = str(e, "digest");
  uint64_t d = 0;
  for (char c : s) {
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0 || s.size() != 16) return 0;  // unknown: adopted again on the next fetch
    d = d << 4 | static_cast<uint64_t>(v);
  }
  return d;
}

SeenId read_seen(simdjson::dom::element e) { return {str(e, "id"), str(e, "created_at"), read_digest(e)}; }

}  // namespace

std::string encode_state(const State& s) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("version").value(s.version).key("id_scheme").value(s.id_scheme).key("files").begin_object();
  for (const auto& [key, f] : s.files) {
    w.key(key).begin_object();
    w.key("dev").value(f.fingerprint.dev).key("ino").value(f.fingerprint.ino).key("size").value(f.fingerprint.size);
    w.key("head_len").value(f.fingerprint.head_len).key("head_sha256").value(f.fingerprint.head_sha256);
    w.key("offset").value(f.offset).key("line").value(f.line).key("updated").value(f.updated);
    w.key("settled_ahead").begin_array();
    for (const auto& [a, b] : f.settled_ahead) w.begin_array().value(a).value(b).end_array();
    w.end_array();
    if (!f.shape.empty()) w.key("shape").value(f.shape);
    w.end_object();
  }
  w.end_object().key("runs").begin_array();
  for (const auto& r : s.runs) write_run(w, r);
  w.end_array().key("connectors").begin_object();
  for (const auto& [name, c] : s.connectors) {
    w.key(name).begin_object().key("cursor").value(c.cursor).key("recent_ids").begin_array();
    for (const auto& id : c.recent_ids) write_seen(w, id);
    w.end_array().key("empty_ids").begin_array();
    for (const auto& id : c.empty_ids) write_seen(w, id);
    w.end_array();
    if (!c.pending_updates.empty()) {
      w.key("pending_updates").begin_array();
      for (const auto& p : c.pending_updates)
        w.begin_object().key("id").value(p.id).key("created_at").value(p.created_at).key("digest").value(digest_text(p.digest))
            .key("document_id").value(p.document_id).key("text").value(p.text).end_object();
      w.end_array();
    }
    w.key("last_run_started").value(c.last_run_started).key("last_success").value(c.last_success);
    if (c.running_pid) w.key("running_pid").value(c.running_pid).key("running_since").value(c.running_since);
    w.key("total_sent").value(c.total_sent).key("total_failed").value(c.total_failed);
    w.key("total_skipped_empty").value(c.total_skipped_empty).key("total_duplicates").value(c.total_duplicates);
    if (c.total_updated) w.key("total_updated").value(c.total_updated);
    w.key("runs").begin_array();
    for (const auto& r : c.runs) write_run(w, r);
    w.end_array().end_object();
  }
  w.end_object();
  if (!s.pending_operations.empty()) {
    w.key("pending_operations").begin_object();
    for (const auto& [target, ops] : s.pending_operations) {
      w.key(target).begin_array();
      for (const auto& op : ops) w.value(op);
      w.end_array();
    }
    w.end_object();
  }
  if (!s.conversations.empty()) {
    w.key("conversations").begin_object();
    for (const auto& [target, docs] : s.conversations) {
      w.key(target).begin_object();
      for (const auto& [id, digest] : docs) w.key(id).value(digest);
      w.end_object();
    }
    w.end_object();
  }
  w.end_object();
  out.push_back('\n');
  return out;
}

Result<State> decode_state(std::string_view text, const std::string& path) {
  auto corrupt = [&](const std::string& why) {
    return Error{"state file " + path + " is corrupt (" + why +
                     "); it was left untouched: fix it, or start it afresh with --reset-state (this run's inputs start over, "
                     "other files keep their progress) or memconn state reset --all",
                 3};
  };
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(text.data(), text.size()).get(doc)) return corrupt(simdjson::error_message(err));
  int64_t version = 0;
  if (doc["version"].get_int64().get(version)) return corrupt("no \"version\"");
  if (version != kStateVersion && version != 1)
    return Error{"state file " + path + " has format version " + std::to_string(version) + ", this memconn reads version " +
                     std::to_string(kStateVersion),
                 3};
  State s;
  int64_t scheme = 1;
  if (doc["id_scheme"].get_int64().get(scheme)) scheme = 1;
  s.id_scheme = static_cast<int>(scheme);
  s.version = static_cast<int>(version);  // 1 until an ingest migrates it
  simdjson::dom::object files;
  if (doc["files"].get_object().get(files)) return corrupt("no \"files\" object");
  for (auto [key, f] : files) {
    FileCheckpoint c;
    c.fingerprint.dev = num(f, "dev");
    c.fingerprint.ino = num(f, "ino");
    c.fingerprint.size = num(f, "size");
    c.fingerprint.head_len = num(f, "head_len");
    c.fingerprint.head_sha256 = str(f, "head_sha256");
    c.offset = num(f, "offset");
    c.line = num(f, "line");
    c.updated = str(f, "updated");
    c.shape = str(f, "shape");
    simdjson::dom::array ranges;
    if (!f["settled_ahead"].get_array().get(ranges))
      for (auto r : ranges) {
        uint64_t a = 0, b = 0;
        if (!r.at(0).get_uint64().get(a) && !r.at(1).get_uint64().get(b) && a <= b) c.settled_ahead.emplace_back(a, b);
      }
    s.files.emplace(std::string(key), c);
  }
  simdjson::dom::array runs;
  if (!doc["runs"].get_array().get(runs))
    for (auto r : runs) s.runs.push_back(read_run(r));
  simdjson::dom::object conns;
  if (!doc["connectors"].get_object().get(conns)) {
    for (auto [name, e] : conns) {
      ConnectorState c;
      c.cursor = str(e, "cursor");
      simdjson::dom::array arr;
      if (!e["recent_ids"].get_array().get(arr))
        for (auto id : arr) c.recent_ids.push_back(read_seen(id));
      if (!e["empty_ids"].get_array().get(arr))
        for (auto id : arr) c.empty_ids.push_back(read_seen(id));
      if (!e["pending_updates"].get_array().get(arr))
        for (auto p : arr) c.pending_updates.push_back({str(p, "id"), str(p, "created_at"), read_digest(p), str(p, "document_id"), str(p, "text")});
      c.last_run_started = str(e, "last_run_started");
      c.last_success = str(e, "last_success");
      c.running_pid = num(e, "running_pid");
      c.running_since = str(e, "running_since");
      c.total_sent = num(e, "total_sent");
      c.total_failed = num(e, "total_failed");
      c.total_skipped_empty = num(e, "total_skipped_empty");
      c.total_duplicates = num(e, "total_duplicates");
      c.total_updated = num(e, "total_updated");
      if (!e["runs"].get_array().get(arr))
        for (auto r : arr) c.runs.push_back(read_run(r));
      s.connectors.emplace(std::string(name), std::move(c));
    }
  }
  simdjson::dom::object pending;
  if (!doc["pending_operations"].get_object().get(pending))
    for (auto [target, ops] : pending) {
      simdjson::dom::array arr;
      if (ops.get_array().get(arr)) continue;
      auto& list = s.pending_operations[std::string(target)];
      for (auto op : arr) {
        std::string_view id;
        if (!op.get_string().get(id)) list.emplace_back(id);
      }
    }
  simdjson::dom::object conversations;
  if (!doc["conversations"].get_object().get(conversations))
    for (auto [target, docs] : conversations) {
      simdjson::dom::object obj;
      if (docs.get_object().get(obj)) continue;
      auto& map = s.conversations[std::string(target)];
      for (auto [id, digest] : obj) {
        std::string_view d;
        if (!digest.get_string().get(d)) map.emplace(std::string(id), std::string(d));
      }
    }
  return s;
}

Result<State> load_state(const std::string& path) {
  if (!file_exists(path)) return State{};
  auto text = read_whole_file(path);
  if (!text) return Error{text.error().message, 3};
  return decode_state(*text, path);
}

Status save_state(const std::string& path, const State& s) { return write_file_atomic(path, encode_state(s), 0600); }

void add_run(std::vector<RunRecord>& runs, RunRecord r) {
  runs.push_back(std::move(r));
  if (runs.size() > 50) runs.erase(runs.begin(), runs.end() - 50);
}

Result<FileFingerprint> fingerprint_fd(int fd, uint64_t head_len) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) return Error{std::strerror(errno), 1};
  FileFingerprint f;
  f.dev = st.st_dev;
  f.ino = st.st_ino;
  f.size = static_cast<uint64_t>(st.st_size);
  f.head_len = std::min<uint64_t>(head_len, f.size);
  // Hashed block by block: a --unit file note's head is its whole committed text.
  Sha256Stream h;
  char buf[65536];
  uint64_t got = 0;
  while (got < f.head_len) {
    ssize_t n = ::pread(fd, buf, static_cast<size_t>(std::min<uint64_t>(sizeof buf, f.head_len - got)), static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    h.update(std::string_view(buf, static_cast<size_t>(n)));
    got += static_cast<uint64_t>(n);
  }
  f.head_len = got;
  auto d = h.finish();
  f.head_sha256 = to_hex(d.data(), d.size());
  return f;
}

ResumeVerdict judge_resume(const FileCheckpoint& saved, const FileFingerprint& now, const std::string& head_now) {
  if (saved.fingerprint.dev != now.dev || saved.fingerprint.ino != now.ino) return ResumeVerdict::Replaced;
  if (now.size < saved.offset) return ResumeVerdict::Replaced;
  if (head_now != saved.fingerprint.head_sha256) return ResumeVerdict::Replaced;
  return ResumeVerdict::Continue;
}

}  // namespace memconn
