// Incremental sync bookkeeping for one connector, pure so it is tested without a server.
//
// The cursor is the newest created_at that is fully processed. Sources cannot be trusted to
// return things in order or only once (the Memory API has no paging or "since"; late
// uploads appear with old timestamps), so each run re-reads an overlap window before the
// cursor and skips the ids it already processed. Both id lists are bounded by kIdWindow
// before the cursor (plus a hard cap), never by the connector's lifetime.
#pragma once
#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "base/iso_time.h"
#include "sources/source.h"
#include "state/state.h"

namespace memconn {

// How long before the cursor processed ids are remembered: longer than the widest bounded
// range a source returns (the Memory API's "month"), so a late upload anywhere in what a
// fetch returns is recognised as new by its id, not dropped by a time cut-off.
constexpr std::chrono::hours kIdWindow{24 * 35};
constexpr size_t kMaxRecentIds = 20000;  // per list; beyond it the oldest go (re-sends are harmless)

struct Selection {
  std::vector<SourceRecord> send;       // new records, oldest first (untimed ones last)
  std::vector<SourceRecord> update;     // known ids whose digest changed: edited at the source
  std::vector<SourceRecord> new_empty;  // empty texts met for the first time: count once, never send
  uint64_t fetched = 0;
  uint64_t already_processed = 0;  // processed ids
  uint64_t older_than_window = 0;  // unknown ids created before the id window: not sent
  uint64_t known_empty = 0;        // empty and already counted by an earlier run
  uint64_t repeated = 0;           // the same id twice in one response
  // Known ids recorded without a digest (by a memconn that did not detect edits): their
  // current digest is adopted, so later edits are seen, without re-sending them now.
  std::vector<std::pair<std::string, uint64_t>> adopt;
};

// full: ignore the cursor and the processed ids (trigger --full); empties stay skipped.
Selection select_records(std::vector<SourceRecord> records, const ConnectorState& state,
                         std::chrono::milliseconds overlap, bool full);

// Remembers first-seen empty records so later runs neither send nor re-count them.
void record_empty(ConnectorState& state, std::span<const SourceRecord> empties, std::chrono::milliseconds overlap,
                  SysTime now);

// Marks records as processed (acknowledged or dead-lettered): their ids join recent_ids and
// the cursor moves to the newest of their times. Call with a prefix of Selection::send in
// order, never with a record whose predecessors are still in flight. Prunes both id lists
// to the window [cursor - overlap, ...] and the cap. Untimed records are remembered with
// `now` as their time.
void commit_records(ConnectorState& state, std::span<const SourceRecord> done, std::chrono::milliseconds overlap,
                    SysTime now);

// An update reached the target: the id's digest becomes the record's (the id is added if
// the window dropped it meanwhile).
void record_update(ConnectorState& state, const SourceRecord& r, SysTime now);
// Sets the digests of known ids recorded without one (Selection::adopt).
void adopt_digests(ConnectorState& state, const std::vector<std::pair<std::string, uint64_t>>& adopt);

// True if text is empty or only blanks.
bool is_blank_text(std::string_view text);

}  // namespace memconn
