// Which files hold the parts of each document a target was sent, across runs: a document can
// only ever be sent whole (ingest/documents.h), so a run that touches a document must read its
// earlier parts again, also from files this run was not given (yesterday's export, a file
// rewritten since). Also the parts the target refused, left out of the document's text.
//
// "<state>.docs/" holds 256 bucket files of JSON lines, a document's bucket chosen by the
// first byte of SHA-256(target label, document id). Lines are only ever appended, one write()
// each (a kill -9 loses none; a reader skips a torn last line), and a bucket is read once per
// run, when a document of it is first looked up.
//
// Memory: an export may hold millions of documents, so what a loaded bucket holds goes to a
// DiskTable (a scratch file, base/disk_table.h) as 24-byte records (96 bits of the key, the
// file as an index into one table of paths), with a side table in memory only for the few
// documents in several files or with parts left out; what a run appends is not kept at all
// (the run's DocumentBook knows the documents it met).
#pragma once
#include <bitset>
#include <cstdint>
#include <map>
#include <optional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/disk_table.h"
#include "base/result.h"

namespace memconn {

class DocIndex {
 public:
  struct Entry {
    std::vector<std::string> files;                          // in the order they were first met
    std::vector<std::pair<std::string, uint64_t>> excluded;  // (file, line) parts left out
  };

  explicit DocIndex(std::string dir) : dir_(std::move(dir)) {}
  ~DocIndex();
  DocIndex(const DocIndex&) = delete;
  DocIndex& operator=(const DocIndex&) = delete;
  static std::string dir_for(const std::string& state_path) { return state_path + ".docs"; }
  const std::string& dir() const { return dir_; }

  // The entry of a document (empty when it was never seen). A damaged bucket is an Error (3).
  Result<Entry> find(const std::string& label, const std::string& document_id);
  // Records that a document has parts in `file` (nothing when the index held that already
  // when its bucket was read: a caller records each (document, file) once per run).
  Status add_file(const std::string& label, const std::string& document_id, const std::string& file);
  // A part the target refused: left out (excluded) or taken back in (dlq retry delivered it).
  Status exclude(const std::string& label, const std::string& document_id, const std::string& file, uint64_t line);
  Status include(const std::string& label, const std::string& document_id, const std::string& file, uint64_t line);
  // Forgets everything (--reset-state).
  Status clear();
  // Makes what was appended durable (called before each state checkpoint).
  Status sync();

 private:
  struct Key {
    uint64_t hi = 0, lo = 0;
    auto operator<=>(const Key&) const = default;
  };
  struct Rec {      // a document's record in recs_: k1 = hi, k2 = lo's top 32 bits, then
    uint32_t file;  // v32: with more == 0, the document's one file (an index into files_)
    uint32_t more;  // v64: 0, or 1 + its entry in complex_
  };
  static std::string key_of(const std::string& label, const std::string& document_id);
  static Key parse_key(std::string_view hex);
  // Reads the key's bucket file into recs_ the first time one of its keys is looked up.
  Status load_bucket(const std::string& key);
  Result<std::optional<Rec>> lookup(const std::string& key);
  Entry entry_of(const Rec& r) const;
  uint32_t file_id(std::string_view path);
  Status append(const std::string& key, const std::string& line);
  // exclude() and include(): one record of the part.
  Status mark_part(const std::string& label, const std::string& document_id, const std::string& file, uint64_t line_no,
                   bool excluded);
  std::string dir_;
  // The reader thread looks up and appends; the checkpoint (another thread) syncs.
  std::mutex mu_;  // guards everything below
  std::bitset<256> loaded_;               // buckets read into recs_
  DiskTable recs_;                        // opened when the first bucket file is read
  std::vector<std::string> files_;        // the paths records name
  std::unordered_map<std::string, uint32_t> file_ids_;
  std::vector<Entry> complex_;            // documents in several files, or with parts left out
  std::map<std::string, int> fds_;        // bucket name -> append descriptor
  bool dirty_ = false;                    // appended since the last sync()
};

}  // namespace memconn
