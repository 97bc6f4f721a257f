// A hash table of small fixed records kept on disk, so that what a run remembers per document
// (an export may hold tens of millions) costs disk, not memory: memory stays about 2 MB
// however many records it holds.
//
// Extendible hashing: 4 KiB pages of up to 170 records; an in-memory directory maps the top
// bits of a key to its page (4 bytes per 128 records); a full page splits in two by the next
// bit, the directory doubling when it must. A lookup is one pread (none when the page is the
// one last touched, nor for most keys never inserted: a fixed 1 MB Bloom filter answers those
// while the table holds up to a few million keys, less and less well beyond). Inserts gather
// in a small buffer and are written page by page, sorted, so a page takes many of them in one
// read and one write.
//
// One unlinked scratch file (it vanishes with the process). Not thread-safe: one owner.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "base/temp_file.h"

namespace memconn {

class DiskTable {
 public:
  // Key (k1, k2); k1 should be a uniform hash (its top bits choose the page). (0, 0) is not a
  // key. v32 and v64 are the caller's.
  struct Rec {
    uint64_t k1 = 0;
    uint32_t k2 = 0;
    uint32_t v32 = 0;
    uint64_t v64 = 0;
  };
  static_assert(sizeof(Rec) == 24);

  // An empty table in a scratch file in `dir`.
  static Result<DiskTable> open(const std::string& dir);
  DiskTable() = default;

  Result<std::optional<Rec>> find(uint64_t k1, uint32_t k2);
  // find(), and the record is removed.
  Result<std::optional<Rec>> take(uint64_t k1, uint32_t k2);
  // The key must not be in the table (find or take it first).
  Status insert(const Rec& r);
  size_t size() const { return size_; }
  // Whether open() made it (a default-constructed table holds nothing and cannot insert).
  bool is_open() const { return fd_.valid(); }
  // Every record, in no particular order; f may change a record's values (not its key).
  Status for_each(const std::function<void(Rec&)>& f);
  // Tests: how many records wait in memory before being written.
  void set_buffer_limit(size_t n) { buffer_limit_ = n; }

 private:
  static constexpr size_t kPage = 4096;
  static constexpr size_t kPerPage = (kPage - 16) / sizeof(Rec);  // 170
  static constexpr uint32_t kMaxDepth = 40;  // beyond: the same top 40 bits 171 times over
  struct Page {
    uint32_t count = 0;
    uint32_t depth = 0;  // local depth: the top `depth` bits of k1 are the same for all its records
    uint64_t pad = 0;
    std::array<Rec, kPerPage> recs;
  };
  static_assert(sizeof(Page) == kPage);
  struct KeyHash {
    size_t operator()(const std::pair<uint64_t, uint32_t>& k) const { return static_cast<size_t>(k.first ^ k.second); }
  };

  // The Bloom filter: 4 bits of 2^23 chosen by the key (never cleared: a key taken stays a
  // "maybe", which costs only the read it would have cost anyway).
  static constexpr size_t kBloomWords = size_t{1} << 17;
  bool maybe_present(uint64_t k1, uint32_t k2) const;
  void remember(uint64_t k1, uint32_t k2);
  size_t slot_of(uint64_t k1) const { return depth_ == 0 ? 0 : static_cast<size_t>(k1 >> (64 - depth_)); }
  // Makes page `no` the current one (writing back the one before if changed).
  Status load(uint32_t no);
  Status write_back();
  // Places r in its page, splitting pages as needed (the current page is r's afterwards).
  Status place(const Rec& r);
  Status split();  // the current page, full
  Status flush();  // the buffer, to the pages

  UniqueFd fd_;
  std::vector<uint32_t> dir_;  // slot (top depth_ bits of k1) -> page number
  uint32_t depth_ = 0;
  uint32_t pages_ = 0;
  size_t size_ = 0;
  Page cur_;
  uint32_t cur_no_ = UINT32_MAX;  // the page in cur_ (UINT32_MAX: none)
  bool cur_dirty_ = false;
  std::unordered_map<std::pair<uint64_t, uint32_t>, Rec, KeyHash> buffer_;  // inserted, not yet in a page
  size_t buffer_limit_ = 32768;
  std::vector<uint64_t> bloom_;  // kBloomWords, allocated at the first insert
  // Records a full page could not take without the directory outgrowing the pages (only for
  // keys far from uniform: 171 sharing their top bits).
  std::unordered_map<std::pair<uint64_t, uint32_t>, Rec, KeyHash> overflow_;
};

}  // namespace memconn
