#include "lightrag_store.h"

#include <algorithm>
#include <cstdlib>

#include "ids.h"
#include "text.h"

namespace standin::lightrag {
namespace {

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The entities that matter in practice; Python's html.unescape knows ~2000 names.
std::string html_unescape(std::string_view s) {
  static const std::pair<const char*, unsigned long> kNamed[] = {
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xA0}, {"copy", 0xA9}, {"reg", 0xAE}};
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    std::string_view name = s.substr(i + 1, semi - i - 1);
    std::optional<unsigned long> cp;
    if (name.size() > 1 && name[0] == '#') {
      bool hex = name[1] == 'x' || name[1] == 'X';
      std::string digits(name.substr(hex ? 2 : 1));
      char* end = nullptr;
      unsigned long v = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (!digits.empty() && *end == '\0' && v <= 0x10FFFF) cp = v;
    } else {
      for (const auto& [n, v] : kNamed)
        if (name == n) cp = v;
    }
    if (!cp) {
      out.push_back('&');
      continue;
    }
    append_utf8(out, *cp);
    i = semi;
  }
  return out;
}

}  // namespace

std::string sanitize(std::string_view text) {
  std::string stripped = strip(text);
  std::string cleaned;
  cleaned.reserve(stripped.size());
  for (size_t i = 0; i < stripped.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(stripped[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) continue;
    // U+FFFE / U+FFFF are EF BF BE / EF BF BF.
    if (c == 0xEF && i + 2 < stripped.size() && static_cast<unsigned char>(stripped[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(stripped[i + 2]) == 0xBE || static_cast<unsigned char>(stripped[i + 2]) == 0xBF)) {
      i += 2;
      continue;
    }
    cleaned.push_back(static_cast<char>(c));
  }
  return html_unescape(cleaned);
}

std::string doc_id_for(std::string_view text) { return "doc-" + md5_hex(sanitize(text)); }

void Store::count_insert_request() {
  std::lock_guard lock(mu_);
  ++insert_requests_;
}

InsertResult Store::insert(std::vector<TextIn> texts, const std::string& message, bool background_failure, const Knobs& k) {
  SysTime now = std::chrono::system_clock::now();
  bool new_api = k.lightrag_version == "new";
  std::lock_guard lock(mu_);
  texts_received_ += texts.size();

  auto duplicate = [&](const std::string& what, const Doc& existing) -> InsertResult {
    ++duplicated_;
    std::string status = status_of(existing, now);
    JsonOut j;
    if (new_api) {
      j.begin_object()
          .field("detail", "Document storage already contains '" + what + "' (Status: " + status +
                               "). Delete the existing record before re-inserting.")
          .end_object();
      return {409, j.take()};
    }
    j.begin_object().field("status", "duplicated");
    if (what.starts_with("doc-"))
      j.field("message", "Identical content already exists in document storage (doc_id: " + what + ", Status: " + status + ").");
    else
      j.field("message", "File source '" + what + "' already exists in document storage (Status: " + status + ").");
    j.field("track_id", existing.track_id).end_object();
    return {200, j.take()};
  };
  for (const auto& t : texts) {
    if (!t.file_source || t.file_source->empty() || *t.file_source == "unknown_source") continue;
    auto f = by_file_.find(*t.file_source);
    if (f != by_file_.end()) return duplicate(*t.file_source, docs_.at(f->second));
  }
  for (const auto& t : texts) {
    auto d = docs_.find(doc_id_for(t.text));
    if (d != docs_.end()) return duplicate(new_api && d->second.file_path ? *d->second.file_path : d->first, d->second);
  }

  std::string track_id = "insert_" + compact_utc(now) + "_" + random_hex(8);
  if (background_failure) {
    ++background_failures_;
  } else {
    auto total = std::chrono::milliseconds(k.op_ms);
    for (auto& t : texts) {
      std::string id = doc_id_for(t.text);
      if (docs_.count(id)) continue;  // duplicates inside one batch collapse silently
      // A server losing work on its own: acknowledged, never stored (memconn verify finds it).
      if (k.drop_documents_every > 0 && ++documents_seen_ % static_cast<uint64_t>(k.drop_documents_every) == 0) {
        ++dropped_documents_;
        continue;
      }
      Doc d;
      d.id = id;
      d.content = strip(t.text);
      d.file_path = t.file_source;
      d.track_id = track_id;
      d.created = now;
      d.start = now + total / 4;
      d.done = now + total;
      if (!k.fail_op_marker.empty() && d.content.find(k.fail_op_marker) != std::string::npos)
        d.error = "Stand-in: entity extraction failed (content contains the fail-op marker)";
      d.times_received = 1;
      if (d.file_path && !d.file_path->empty() && *d.file_path != "unknown_source") by_file_[*d.file_path] = id;
      docs_.emplace(id, std::move(d));
    }
  }
  JsonOut j;
  j.begin_object().field("status", "success").field("message", message).field("track_id", track_id).end_object();
  return {200, j.take()};
}

std::string Store::status_of(const Doc& d, SysTime now) const {
  if (now < d.start) return "pending";
  if (now < d.done) return "processing";
  return d.error ? "failed" : "processed";
}

void Store::write_doc_status(JsonOut& j, const Doc& d, SysTime now) const {
  std::string status = status_of(d, now);
  j.begin_object().field("id", d.id).field("content_summary", std::string(utf8_prefix(d.content, 100)));
  // Python's len(): code points, not bytes.
  j.field("content_length", utf8_length(d.content)).field("status", status);
  j.field("created_at", iso_utc_python(d.created));
  j.field("updated_at", iso_utc_python(now < d.start ? d.created : now < d.done ? d.start : d.done));
  j.field("track_id", d.track_id).key("chunks_count");
  if (status == "processed") j.value((d.content.size() / 4) / 1200 + 1);
  else j.value(nullptr);
  j.key("error_msg");
  if (status == "failed") j.value(*d.error);
  else j.value(nullptr);
  j.key("metadata").begin_object().end_object();
  j.field("file_path", d.file_path.value_or("")).end_object();
}

std::optional<std::string> Store::track_status(const std::string& track_id, const Knobs& k) {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  std::vector<const Doc*> rows;
  for (const auto& [id, d] : docs_)
    if (d.track_id == track_id) rows.push_back(&d);
  for (const Doc* d : rows)
    if (!d->file_path && k.lightrag_version != "new") return std::nullopt;
  std::map<std::string, size_t> summary;
  JsonOut j;
  j.begin_object().field("track_id", track_id).key("documents").begin_array();
  for (const Doc* d : rows) {
    write_doc_status(j, *d, now);
    ++summary[status_of(*d, now)];
  }
  j.end_array().field("total_count", rows.size()).key("status_summary").begin_object();
  for (const auto& [s, n] : summary) j.field(s, n);
  j.end_object().end_object();
  return j.take();
}

std::optional<std::string> Store::paginated(const std::string& status_filter, long long page, long long page_size,
                                            const std::string& sort_field, bool ascending, const Knobs& k) {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  std::vector<const Doc*> rows;
  std::map<std::string, size_t> counts;
  for (const auto& [id, d] : docs_) {
    std::string s = status_of(d, now);
    ++counts[s];
    if (status_filter.empty() || s == status_filter) rows.push_back(&d);
  }
  auto key = [&](const Doc* d) -> std::string {
    if (sort_field == "id") return d->id;
    if (sort_field == "file_path") return d->file_path.value_or("");
    if (sort_field == "created_at") return iso_utc_python(d->created);
    return iso_utc_python(now < d->done ? d->created : d->done);
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const Doc* a, const Doc* b) { return ascending ? key(a) < key(b) : key(a) > key(b); });
  size_t total = rows.size();
  size_t first = static_cast<size_t>((page - 1) * page_size);
  size_t total_pages = (total + static_cast<size_t>(page_size) - 1) / static_cast<size_t>(page_size);
  JsonOut j;
  j.begin_object().key("documents").begin_array();
  for (size_t i = first; i < total && i < first + static_cast<size_t>(page_size); ++i) {
    if (!rows[i]->file_path && k.lightrag_version != "new") return std::nullopt;
    write_doc_status(j, *rows[i], now);
  }
  j.end_array().key("pagination").begin_object().field("page", page).field("page_size", page_size);
  j.field("total_count", total).field("total_pages", total_pages);
  j.field("has_next", static_cast<size_t>(page) < total_pages).field("has_prev", page > 1).end_object();
  j.key("status_counts").begin_object();
  for (const char* s : {"pending", "processing", "preprocessed", "processed", "failed"}) j.field(s, counts[s]);
  j.field("all", docs_.size()).end_object().end_object();
  return j.take();
}

std::string Store::status_counts() {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  std::map<std::string, size_t> counts;
  for (const auto& [id, d] : docs_) ++counts[status_of(d, now)];
  JsonOut j;
  j.begin_object().key("status_counts").begin_object();
  for (const char* s : {"pending", "processing", "preprocessed", "processed", "failed"}) j.field(s, counts[s]);
  j.field("all", docs_.size()).end_object().end_object();
  return j.take();
}

std::string Store::pipeline_status() {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  size_t busy_docs = 0;
  for (const auto& [id, d] : docs_) busy_docs += now < d.done;
  JsonOut j;
  j.begin_object().field("autoscanned", false).field("busy", busy_docs > 0);
  j.field("job_name", busy_docs ? "Default Job" : "").field("job_start", nullptr).field("docs", busy_docs);
  j.field("batchs", busy_docs ? 1 : 0).field("cur_batch", busy_docs ? 1 : 0).field("request_pending", false);
  j.field("latest_message", busy_docs ? "Processing documents (stand-in)" : "");
  j.key("history_messages").begin_array().end_array();
  j.key("update_status").begin_object().end_object().end_object();
  return j.take();
}

size_t Store::remove(const std::vector<std::string>& doc_ids) {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& id : doc_ids) {
    auto it = docs_.find(id);
    if (it == docs_.end()) continue;
    if (it->second.file_path) by_file_.erase(*it->second.file_path);
    docs_.erase(it);
    ++n;
  }
  return n;
}

bool Store::busy() {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  for (const auto& [id, d] : docs_)
    if (now < d.done) return true;
  return false;
}

size_t Store::reprocess_failed(const Knobs& k) {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  ++reprocess_requests_;
  size_t n = 0;
  for (auto& [id, d] : docs_) {
    if (!d.error || now < d.done) continue;
    // Runs the pipeline again under the original track id; fails again if the marker still applies.
    auto total = std::chrono::milliseconds(k.op_ms);
    d.start = now + total / 4;
    d.done = now + total;
    d.error.reset();
    if (!k.fail_op_marker.empty() && d.content.find(k.fail_op_marker) != std::string::npos)
      d.error = "Stand-in: entity extraction failed (content contains the fail-op marker)";
    ++n;
  }
  return n;
}

std::vector<Doc> Store::processed() {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  std::vector<Doc> out;
  for (const auto& [id, d] : docs_)
    if (status_of(d, now) == "processed") out.push_back(d);
  return out;
}

void Store::write_stats(JsonOut& j) {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  size_t processed = 0, failed = 0;
  for (const auto& [id, d] : docs_) {
    std::string s = status_of(d, now);
    processed += s == "processed";
    failed += s == "failed";
  }
  // Same names as the Hindsight stand-in so that tests and the benchmark read either.
  j.field("retain_requests", insert_requests_).field("items_received", texts_received_);
  j.field("unique_document_ids", docs_.size()).field("resent_items", duplicated_);
  j.field("documents", docs_.size()).field("duplicated", duplicated_);
  j.field("processed_documents", processed).field("failed_documents", failed);
  j.field("background_failures", background_failures_);
  j.field("dropped_documents", dropped_documents_).field("reprocess_failed_requests", reprocess_requests_);
}

void Store::write_documents(JsonOut& j) {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  j.begin_array();
  for (const auto& [id, d] : docs_) {
    j.begin_object().field("document_id", id).field("content", d.content).key("file_source");
    if (d.file_path) j.value(*d.file_path);
    else j.value(nullptr);
    j.field("track_id", d.track_id).field("status", status_of(d, now)).field("times_received", d.times_received);
    j.field("created_at", iso_utc_python(d.created)).end_object();
  }
  j.end_array();
}

void Store::reset() {
  std::lock_guard lock(mu_);
  docs_.clear();
  by_file_.clear();
  insert_requests_ = texts_received_ = duplicated_ = background_failures_ = 0;
  documents_seen_ = dropped_documents_ = reprocess_requests_ = 0;
}

}  // namespace standin::lightrag
