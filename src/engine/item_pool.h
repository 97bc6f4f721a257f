// Items and batch vectors the workers are done with, handed back to the reader thread to be
// filled again. Every item's strings (its text, id and request JSON) are then allocated once
// per slot rather than once per line, and never freed by a thread other than the reader's.
#pragma once
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "engine/item.h"

namespace memconn {

// Clears an item for reuse, keeping its buffers (a buffer grown by an unusually long line is
// released instead, so one big input does not pin its size in every slot).
void reset_item(Item& item);
// Makes room for n bytes in an empty (cleared) buffer, allocating exactly n when it is too
// small: std::string doubles, which would leave pooled buffers up to twice what they carry.
void reserve_exact(std::string& s, size_t n);

class ItemPool {
 public:
  // Keeps at most max_items spare items; the rest are freed as they come back (0: a
  // producer that never takes spares, whose batches are only freed on its thread).
  explicit ItemPool(size_t max_items) : max_items_(max_items) {}
  // Any thread: a delivered batch whose items nobody reads any more.
  void give_back(Batch&& batch);
  // Reader thread only: takes what was given back into the spares.
  void reclaim();
  // Reader thread only: `item` becomes a cleared spare (or stays as it is if none is left).
  void take(Item& item);
  // Reader thread only: an empty item vector, with capacity when one came back.
  std::vector<Item> take_vector();

 private:
  std::mutex mu_;                // guards given_
  std::vector<Batch> given_;     // back from workers, not yet reclaimed
  std::vector<Batch> reclaiming_;  // reader only: swapped with given_ under the lock
  // Reader only: given-back item vectors, oldest first, each emptied one item at a time (an
  // item moves once, straight into the line it is reused for), then reused for a batch.
  std::deque<std::vector<Item>> full_;
  size_t spare_ = 0;  // items in full_
  std::vector<std::vector<Item>> empty_;
  size_t max_items_;
};

}  // namespace memconn
