// Groups items into batches bounded by count and bytes, never putting one document_id twice
// in a batch (async requests reject that with 400).
#pragma once
#include <cstddef>
#include <optional>
#include <unordered_set>
#include <vector>

#include "item.h"

namespace memconn {

class Batcher {
 public:
  Batcher(size_t max_items, size_t max_bytes) : max_items_(max_items), max_bytes_(max_bytes) {}
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
// Memory is bounded: two generations of at most `generation_size` entries each. Content
// seen further back is sent again, which is harmless because its document_id is identical.
class DedupWindow {
 public:
  explicit DedupWindow(size_t generation_size = 65536) : generation_size_(generation_size) {}
  // True if fp was seen before (and is therefore a duplicate); otherwise records it.
  bool seen(uint64_t fp);

 private:
  size_t generation_size_;
  std::unordered_set<uint64_t> current_, previous_;
};

}  // namespace memconn
