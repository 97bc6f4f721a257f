#include "engine/item_pool.h"

#include <utility>

namespace memconn {

namespace {
constexpr size_t kKeepBytes = 64 * 1024;

void clear_keeping(std::string& s) {
  if (s.capacity() > kKeepBytes) std::string().swap(s);  // assigning an empty string would keep the buffer
  else s.clear();
}
}  // namespace

void reserve_exact(std::string& s, size_t n) {
  if (s.capacity() >= n) return;
  std::string().swap(s);
  s.reserve(n);
}

void reset_item(Item& item) {
  if (item.document_write) {
    // A whole document's text (ingest/documents.h): kept, it would make every spare as large
    // as the largest document written, for lines a hundred times smaller.
    item = Item{};
    return;
  }
  clear_keeping(item.content);
  clear_keeping(item.context);
  clear_keeping(item.timestamp);
  item.tags.clear();
  item.metadata.clear();
  clear_keeping(item.document_id);
  item.explicit_id = item.document_write = false;
  item.settles.clear();
  item.fingerprint = 0;
  item.origin = Origin{};
  clear_keeping(item.json);
  clear_keeping(item.raw_line);
}

void ItemPool::give_back(Batch&& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  given_.push_back(std::move(batch));
}

void ItemPool::reclaim() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    reclaiming_.swap(given_);
  }
  for (auto& b : reclaiming_) {
    if (spare_ + b.items.size() > max_items_) continue;  // freed below, on this thread
    spare_ += b.items.size();
    full_.push_back(std::move(b.items));
  }
  reclaiming_.clear();  // keeps its capacity for the next swap
}

void ItemPool::take(Item& item) {
  // Oldest vector first, so each is drained in turn and goes back to the batcher whole.
  while (!full_.empty() && full_.front().empty()) {
    empty_.push_back(std::move(full_.front()));  // no more vectors than batches were ever in flight at once
    full_.pop_front();
  }
  if (full_.empty()) return;
  item = std::move(full_.front().back());
  full_.front().pop_back();
  --spare_;
  reset_item(item);
}

std::vector<Item> ItemPool::take_vector() {
  if (empty_.empty()) return {};
  auto v = std::move(empty_.back());
  empty_.pop_back();
  return v;
}

}  // namespace memconn
