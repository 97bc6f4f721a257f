#include "connectors/cursor.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace memconn {

namespace {

std::optional<SysTime> window_start(const ConnectorState& s, std::chrono::milliseconds overlap) {
  auto c = parse_iso8601(s.cursor);
  if (!c) return std::nullopt;
  return *c - std::max<std::chrono::milliseconds>(overlap, kIdWindow);
}

// Drops entries older than the window, then the oldest beyond the cap.
void prune(std::vector<SeenId>& ids, std::optional<SysTime> window) {
  if (window) {
    std::erase_if(ids, [&](const SeenId& e) {
      auto t = parse_iso8601(e.created_at);
      return t && *t < *window;
    });
  }
  if (ids.size() > kMaxRecentIds) ids.erase(ids.begin(), ids.end() - static_cast<std::ptrdiff_t>(kMaxRecentIds));
}

std::string time_key(const SourceRecord& r, SysTime now) { return format_iso8601(r.time ? *r.time : now); }

}  // namespace

bool is_blank_text(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; });
}

Selection select_records(std::vector<SourceRecord> records, const ConnectorState& state,
                         std::chrono::milliseconds overlap, bool full) {
  Selection sel;
  sel.fetched = records.size();
  auto window = full ? std::nullopt : window_start(state, overlap);
  std::unordered_map<std::string, uint64_t> processed;  // id -> digest (0 = unknown)
  std::unordered_set<std::string> empty, in_response;
  for (const auto& e : state.recent_ids) processed[e.id] = e.digest;
  for (const auto& e : state.empty_ids) empty.insert(e.id);
  for (auto& r : records) {
    if (!in_response.insert(r.id).second) {
      ++sel.repeated;
      continue;
    }
    if (auto known = processed.find(r.id); known != processed.end()) {
      // An edit is a changed digest of a non-empty text; an edit that empties a memory is
      // not sent (targets refuse empty texts), the target keeps the last text.
      bool blank = is_blank_text(r.text);
      if (!blank && r.digest && known->second && r.digest != known->second) {
        sel.update.push_back(std::move(r));
        continue;
      }
      if (!blank && r.digest && !known->second) sel.adopt.emplace_back(r.id, r.digest);
      if (!full || blank) {
        ++sel.already_processed;
        continue;
      }
    }
    // Ids are remembered for the whole id window, so anything inside it that is not known
    // is new, however late it was uploaded. Beyond it we cannot tell "sent long ago" from
    // "never seen": counted on its own so the caller says so.
    if (window && r.time && *r.time < *window) {
      ++sel.older_than_window;
      continue;
    }
    if (is_blank_text(r.text)) {
      if (empty.count(r.id)) ++sel.known_empty;
      else sel.new_empty.push_back(std::move(r));
      continue;
    }
    sel.send.push_back(std::move(r));
  }
  // Oldest first, so "everything before the first record still in flight" is a time.
  std::stable_sort(sel.send.begin(), sel.send.end(), [](const SourceRecord& a, const SourceRecord& b) {
    if (a.time.has_value() != b.time.has_value()) return a.time.has_value();
    if (!a.time) return false;
    if (*a.time != *b.time) return *a.time < *b.time;
    return a.id < b.id;
  });
  return sel;
}

void record_empty(ConnectorState& state, std::span<const SourceRecord> empties, std::chrono::milliseconds overlap,
                  SysTime now) {
  for (const auto& r : empties) state.empty_ids.push_back({r.id, time_key(r, now)});
  prune(state.empty_ids, window_start(state, overlap));
}

void commit_records(ConnectorState& state, std::span<const SourceRecord> done, std::chrono::milliseconds overlap,
                    SysTime now) {
  if (done.empty()) return;
  std::unordered_set<std::string> done_ids;
  for (const auto& r : done) done_ids.insert(r.id);
  // Re-processed ids (trigger --full) move to the end instead of appearing twice; a memory
  // whose transcript arrived since it was counted as empty is no longer empty.
  auto is_done = [&](const SeenId& e) { return done_ids.count(e.id) > 0; };
  std::erase_if(state.recent_ids, is_done);
  std::erase_if(state.empty_ids, is_done);
  auto cursor = parse_iso8601(state.cursor);
  for (const auto& r : done) {
    state.recent_ids.push_back({r.id, time_key(r, now), r.digest});
    if (r.time && (!cursor || *r.time > *cursor)) cursor = r.time;
  }
  if (cursor) state.cursor = format_iso8601(*cursor);
  auto window = window_start(state, overlap);
  prune(state.recent_ids, window);
  prune(state.empty_ids, window);
}

void record_update(ConnectorState& state, const SourceRecord& r, SysTime now) {
  for (auto& e : state.recent_ids)
    if (e.id == r.id) {
      e.digest = r.digest;
      return;
    }
  state.recent_ids.push_back({r.id, time_key(r, now), r.digest});
}

void adopt_digests(ConnectorState& state, const std::vector<std::pair<std::string, uint64_t>>& adopt) {
  if (adopt.empty()) return;
  std::unordered_map<std::string, uint64_t> by_id(adopt.begin(), adopt.end());
  for (auto& e : state.recent_ids)
    if (!e.digest)
      if (auto f = by_id.find(e.id); f != by_id.end()) e.digest = f->second;
}

}  // namespace memconn
