// The state file: where every input file was committed up to, the run history, and the
// connectors' cursors. Format-versioned JSON, written atomically, mode 0600. A corrupt file
// is reported, never silently reset.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"

namespace memconn {

// 2: file entries live in the file store (state/file_store.h); "files" here holds only the
// entries of a run that has not finished merging them. A version 1 file (every entry here)
// is read as is and migrated by the next ingest.
constexpr int kStateVersion = 2;

// Identifies "the same file, maybe grown" across runs.
struct FileFingerprint {
  uint64_t dev = 0, ino = 0, size = 0;
  uint64_t head_len = 0;  // bytes hashed: min(4096, size at the time)
  std::string head_sha256;
};

struct FileCheckpoint {
  FileFingerprint fingerprint;
  uint64_t offset = 0;  // committed watermark: every item before it is acknowledged
  uint64_t line = 0;
  std::string updated;
  // Lines after `line` already acknowledged or dead-lettered (inclusive ranges): batches
  // finish out of order, and a resumed run must not send these again.
  std::vector<std::pair<uint64_t, uint64_t>> settled_ahead;
  // The options that shaped the file's items (ingest/input_shape.h); empty when an older
  // version recorded the entry.
  std::string shape;
};

struct RunRecord {
  std::string command;  // "ingest", "sync <connector>", "dlq retry"
  std::string started, finished;
  std::string result;   // ok | partial | failed | interrupted | unreachable | auth
  uint64_t sent = 0, failed = 0, duplicates = 0, skipped = 0;
  std::string error;
  // Connector runs only (0/"" otherwise, and then not written): items the source returned,
  // empty texts met for the first time, and the first warning (e.g. a full response).
  uint64_t fetched = 0, skipped_empty = 0;
  std::string warning{};
  uint64_t updated = 0;  // edited at the source and replaced at the target
};

struct SeenId {
  std::string id;
  std::string created_at;
  // 64-bit digest of what the target received for this id; a different digest on a later
  // fetch is an edit. 0 = unknown (recorded before memconn detected edits): adopted silently.
  uint64_t digest = 0;
};

// An edit whose old copy may already be gone from the target (LightRAG: delete, then
// insert). Saved before the delete and dropped once the new copy is acknowledged, so a crash
// in between re-inserts it on the next run even if the source no longer returns the memory.
struct PendingUpdate {
  std::string id, created_at;
  uint64_t digest = 0;
  std::string document_id, text;  // the LightRAG file_source and text to insert
};

struct ConnectorState {
  std::string cursor;             // newest created_at fully processed
  std::vector<SeenId> recent_ids; // ids inside the overlap window before the cursor (bounded)
  std::vector<SeenId> empty_ids;  // empty transcripts already counted once (bounded the same way)
  std::vector<PendingUpdate> pending_updates;  // at most one per update in flight (updates run one at a time)
  // last_run_started: start of the last run that ended (any result); the schedule counts
  // from it. last_success: start of the last run that fetched and settled everything.
  std::string last_run_started, last_success;
  // Set while a run is in progress, cleared when it ends: still set with the state lock
  // free means that run died (kill -9, power loss).
  uint64_t running_pid = 0;
  std::string running_since;
  std::vector<RunRecord> runs;    // newest last, at most 50
  uint64_t total_sent = 0, total_failed = 0, total_skipped_empty = 0, total_duplicates = 0;
  uint64_t total_updated = 0;
};

// How content-hash document ids are made: 1 = SHA-256 of the content alone (before context
// and tags counted); 2 = the content plus its context and tags. Files committed under 1 are
// not re-read, so the change only matters for what is sent again (see ingest's one-time note).
constexpr int kIdScheme = 2;

struct State {
  int version = kStateVersion;
  int id_scheme = kIdScheme;  // a state file without the key predates scheme 2
  // key: target identity + "|" + absolute path. Entries not yet merged into the file store.
  std::map<std::string, FileCheckpoint> files;
  std::vector<RunRecord> runs;                  // newest last, at most 50
  std::map<std::string, ConnectorState> connectors;
  // Async operations a --wait left open (interrupted or timed out), by target ("url#bank"):
  // the next `ingest --async --wait` to that target follows them first.
  std::map<std::string, std::vector<std::string>> pending_operations;
  // Chat exports (ingest/export_import): by target label, conversation document id -> the
  // digest of the text the target acknowledged, so a re-import sends only what changed.
  std::map<std::string, std::map<std::string, std::string>> conversations;
};

std::string encode_state(const State& s);
Result<State> decode_state(std::string_view text, const std::string& path_for_messages);
// Missing file -> empty state. Corrupt or foreign-version file -> Error (exit 3).
Result<State> load_state(const std::string& path);
Status save_state(const std::string& path, const State& s);
void add_run(std::vector<RunRecord>& runs, RunRecord r);  // keeps the last 50

// Fingerprint of an open file: fstat + SHA-256 of its first head_len bytes.
Result<FileFingerprint> fingerprint_fd(int fd, uint64_t head_len = 4096);
enum class ResumeVerdict { Fresh, Continue, Replaced };
// Continue when the file is the same inode and its recorded head is unchanged and it has
// not shrunk below the committed offset; Replaced otherwise (the caller starts over).
ResumeVerdict judge_resume(const FileCheckpoint& saved, const FileFingerprint& now, const std::string& head_now);

}  // namespace memconn
