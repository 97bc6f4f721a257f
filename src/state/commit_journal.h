// Between two state checkpoints (at most one per second, each an fsync'd atomic rename),
// every advance of a file's commit point is appended to a journal beside the state file.
// A kill -9 loses no appended record (the page cache outlives the process), so a re-run
// re-sends only what was in flight, not up to a second of acknowledged work. A power cut
// can lose the unsynced tail; the last checkpoint is then the (older, still safe) truth.
#pragma once
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "state/state.h"

namespace memconn {

class CommitJournal {
 public:
  explicit CommitJournal(std::string path) : path_(std::move(path)) {}
  ~CommitJournal();
  CommitJournal(const CommitJournal&) = delete;
  CommitJournal& operator=(const CommitJournal&) = delete;

  // Thread-safe; best effort (a failed append only costs re-sends after a crash).
  // `settled` are lines that just settled (possibly beyond the commit point).
  void record(const std::string& key, const FileCheckpoint& cp, const std::vector<uint64_t>& settled);
  // Moves the journal aside (to path() + ".old"), runs save() and, if it succeeded, deletes
  // the old part. Appends go on into a fresh journal meanwhile: a worker never waits for the
  // checkpoint's fsync, and every record in the old part is covered by save()'s snapshot,
  // taken after the move. If save() fails the old part stays until a later one succeeds.
  Status checkpoint(const std::function<Status()>& save);
  const std::string& path() const { return path_; }

  // Folds the journal at path (its ".old" part first) into state: per file, the furthest
  // commit point wins (records are monotonic within a run; a file with another fingerprint
  // is replaced). Torn lines are skipped. Returns how many records were applied.
  static size_t replay(const std::string& path, State& state);

 private:
  bool open_locked();
  std::string path_;
  static size_t replay_one(const std::string& path, State& state);
  std::mutex mu_;  // guards queued_, writing_, fd_ (the one writer uses fd_ unlocked while writing_)
  std::condition_variable idle_;  // signalled when writing_ drops, for checkpoint()
  std::string queued_;  // records waiting for the current writer's next write()
  std::string writing_buf_;  // the group being written; only the writer (writing_) touches it
  bool writing_ = false;
  int fd_ = -1;
};

}  // namespace memconn
