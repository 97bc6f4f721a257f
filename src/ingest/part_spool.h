// The parts of the documents a run has met, kept on disk so that a document's whole text can
// be rebuilt for every write however large the input, while memory holds 8 bytes per
// document: each record points at the one before it of the same document.
//
// One unlinked temporary file (it vanishes with the process, kill -9 included), written
// sequentially by the reader thread and read back with pread; the page cache serves the
// recent parts a write needs.
//
// A document written many times (an interleaved export's conversation, sent whole each time
// new turns arrive) would cost one read per part per write. So once a chain was read for a
// write, compact() stores it again as ONE record, and the next write reads that record plus
// the parts added since: two or three reads whatever the document's length. The records it
// replaces are dead; the DocumentBook counts them and, once they are twice the live ones,
// copies every chain into a fresh spool (so the file stays within about three times the live
// records, not the text sent).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/temp_file.h"
#include "engine/item.h"

namespace memconn {

// What a document keeps of each part: where it came from (its file's rank among the
// document's files and its line, which order the parts) and what folding needs.
struct Part {
  uint32_t rank = 0;   // position of its file among the document's files (see DocumentBook)
  uint64_t line = 0;   // first line of the part in that file
  std::string content, context, timestamp;
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> metadata;
};

class PartSpool {
 public:
  static constexpr uint64_t kNone = ~uint64_t{0};
  // dir: where the file is made (the state file's folder: the text is the user's, so it goes
  // where the user keeps state, mode 0600, never to a shared /tmp).
  static Result<PartSpool> open(const std::string& dir);
  PartSpool() = default;

  // Appends a part whose document's previous record is `prev` (kNone for its first).
  // Returns the new record's offset.
  Result<uint64_t> append(uint64_t prev, const Part& part);
  // Every part of the chain ending at `last`, oldest first. `records` and `bytes`, when
  // given, are set to how many records held them (1: the chain is already compact) and
  // their size in the file.
  Status read_chain(uint64_t last, std::vector<Part>& out, size_t* records = nullptr, uint64_t* bytes = nullptr) const;
  // Stores `parts` (a whole chain as read_chain gave it) as one record that starts a chain.
  // Returns the new record's offset.
  Result<uint64_t> compact(const std::vector<Part>& parts) { return write_record(kNone, parts.data(), parts.size()); }
  // A new, empty spool in the same directory.
  Result<PartSpool> fresh() const { return open(dir_); }
  uint64_t bytes() const { return end_; }
  const std::string& dir() const { return dir_; }

 private:
  Result<uint64_t> write_record(uint64_t prev, const Part* parts, size_t n);
  UniqueFd fd_;
  uint64_t end_ = 0;
  std::string dir_;
  std::string buf_;  // reused encoding buffer
};

}  // namespace memconn
