// Groups items into batches bounded by count and bytes. Parts of one document (an explicit
// id) may share a batch: the request body folds them into one item. A content-hash id is
// never put twice in a batch.
#pragma once
#include <cstddef>
#include <optional>
#include <unordered_set>
#include <vector>
#include <vector>

#include "core/item.h"

namespace memconn {

class Batcher {
 public:
  // max_bytes bounds the whole request body: the items plus the envelope around them
  // ({"items":[...],"async":...,"operation_id":"<uuid>"}), reserved as kEnvelopeBytes.
  static constexpr size_t kEnvelopeBytes = 96;
  Batcher(size_t max_items, size_t max_bytes)
      : max_items_(max_items), max_bytes_(max_bytes > kEnvelopeBytes ? max_bytes - kEnvelopeBytes : 1) {}
  // Adds an item, appending to `ready` every batch this completes (zero, one or two). An
  // item larger than max_bytes travels alone.
  void add(Item item, std::vector<Batch>& ready);
  // The pending partial batch, if any.
  std::optional<Batch> flush();

 private:
  size_t max_items_;
  size_t max_bytes_;
  Batch current_;
  std::unordered_set<std::string> ids_;
};

// Remembers recently seen item fingerprints so identical content is sent once per run.
// Memory is fixed: two open-addressing tables of 64-bit fingerprints (1 MiB each by
// default), each retired when half full, so at least `capacity / 2` of the most recent
// distinct items are remembered. Content seen further back is sent again, which is harmless
// because its document_id is identical (the server upserts).
class DedupWindow {
 public:
  explicit DedupWindow(size_t capacity = 1 << 17);
  // True if fp was seen before (and is therefore a duplicate); otherwise records it.
  bool seen(uint64_t fp);

 private:
  struct Table {
    std::vector<uint64_t> slots;  // 0 = empty
    size_t used = 0;
    bool contains(uint64_t fp) const;
    void insert(uint64_t fp);
  };
  size_t capacity_;
  Table current_, previous_;
};

}  // namespace memconn
