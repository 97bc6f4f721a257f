// Where input files were committed up to, kept beside the state file so that its size and a
// run's cost follow what the run touches, not every file ever ingested.
//
// "<state>.files/" holds 256 bucket files ("00.json" .. "ff.json"), a key's bucket chosen by
// the first byte of its SHA-256. Each bucket is a state document holding only "files", so
// one format serves both. A run loads the entries of its own inputs (one bucket read at a
// time, only the wanted entries kept), checkpoints them in the state file while it runs, and
// merges them here at the end: only the buckets it touched are rewritten.
//
// Pruning: when a bucket is rewritten, an entry whose file no longer exists, or is now
// another file (other device or inode), is dropped: a run on that path would start over
// anyway. So the store holds at most one entry per existing file and target.
#pragma once
#include <map>
#include <set>
#include <string>

#include "base/result.h"
#include "state/state.h"

namespace memconn {

class FileStore {
 public:
  explicit FileStore(std::string dir) : dir_(std::move(dir)) {}
  static std::string dir_for(const std::string& state_path) { return state_path + ".files"; }
  const std::string& dir() const { return dir_; }

  // The entries of these keys that the store holds. A corrupt bucket is an Error (exit 3).
  Result<std::map<std::string, FileCheckpoint>> load(const std::set<std::string>& keys) const;
  // Writes these entries over what the store holds, pruning the buckets it rewrites (see
  // above). Each bucket is replaced atomically; a crash leaves every bucket old or new.
  Status merge(const std::map<std::string, FileCheckpoint>& entries) const;
  // Forgets these keys (ingest --reset-state: the run's own inputs); how many it held.
  Result<size_t> forget(const std::set<std::string>& keys) const;
  // Forgets every entry (memconn state reset --all).
  Status clear() const;
  // How many entries the store holds (a corrupt bucket is an Error).
  Result<size_t> count() const;
  std::string bucket_path(const std::string& key) const;

 private:
  std::string dir_;
};

// The key of a file's entry for a target: "<target label>|<absolute path>".
std::string file_key(const std::string& target_label, const std::string& path);
// The file a key names: "url#bank|/abs/path" -> "/abs/path" ("" when there is none).
std::string path_of_key(const std::string& key);

}  // namespace memconn
