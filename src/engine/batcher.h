// Groups items into batches bounded by count and bytes. Parts of one document (an explicit
// id) may share a batch: the request body folds them into one item. A content-hash id is
// never put twice in a batch.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include "engine/item.h"
#include "engine/item_pool.h"

namespace memconn {

class Batcher {
 public:
  // max_bytes bounds the whole request body: the items plus the envelope around them
  // ({"items":[...],"async":...,"operation_id":"<uuid>"}), reserved as kEnvelopeBytes.
  static constexpr size_t kEnvelopeBytes = 96;
  // pool (optional): where new batches get their item vectors from.
  Batcher(size_t max_items, size_t max_bytes, ItemPool* pool = nullptr);
  // Adds an item, appending to `ready` every batch this completes (zero, one or two). An
  // item larger than max_bytes travels alone.
  void add(Item item, std::vector<Batch>& ready);
  // The pending partial batch, if any.
  std::optional<Batch> flush();

 private:
  size_t max_items_;
  size_t max_bytes_;
  ItemPool* pool_;
  Batch current_;
  // Hashes of the content-hash ids in current_, open addressing (0 = empty slot), sized so it
  // is never more than half full. Two ids with one hash only end a batch early: harmless.
  std::vector<uint64_t> ids_;
  bool has_id(uint64_t h) const;
  void add_id(uint64_t h);
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
  // Starts loading the cache lines seen(fp) will probe (the tables are larger than the
  // cache, so each lookup is otherwise two memory round trips on the reader's critical path).
  void prefetch(uint64_t fp) const;

 private:
  struct Table {
    // From calloc: the kernel hands out zeroed pages as they are first touched, so a table a
    // run never fills (documents with their own ids never use it; a short input fills part
    // of it) costs no memory.
    std::unique_ptr<uint64_t[], void (*)(void*)> slots{nullptr, &std::free};  // 0 = empty
    size_t size = 0, used = 0;
    explicit Table(size_t n);
    bool contains(uint64_t fp) const;
    void insert(uint64_t fp);
  };
  size_t capacity_;
  Table current_, previous_;
};

}  // namespace memconn
