#include "engine/batcher.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <new>
#include <string_view>

namespace memconn {

Batcher::Batcher(size_t max_items, size_t max_bytes, ItemPool* pool)
    : max_items_(max_items), max_bytes_(max_bytes > kEnvelopeBytes ? max_bytes - kEnvelopeBytes : 1), pool_(pool),
      ids_(std::bit_ceil(std::max<size_t>(max_items, 4) * 2), 0) {}

bool Batcher::has_id(uint64_t h) const {
  size_t mask = ids_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    if (ids_[i] == h) return true;
    if (ids_[i] == 0) return false;
  }
}

void Batcher::add_id(uint64_t h) {
  size_t mask = ids_.size() - 1;
  size_t i = h & mask;
  while (ids_[i] != 0 && ids_[i] != h) i = (i + 1) & mask;
  ids_[i] = h;
}

void Batcher::add(Item item, std::vector<Batch>& ready) {
  size_t size = item.json.size() + 1;
  // Parts of one document may share a batch (the body folds them); a content-hash id twice
  // is the same text twice, sent once per request.
  uint64_t id_hash = item.explicit_id ? 0 : (std::hash<std::string_view>{}(item.document_id) | 1);
  bool conflicts = id_hash != 0 && has_id(id_hash);
  bool too_big = !current_.items.empty() && current_.bytes + size > max_bytes_;
  if (conflicts || too_big) {
    if (auto b = flush()) ready.push_back(std::move(*b));
  }
  if (id_hash != 0) add_id(id_hash);
  // Sized once per batch rather than regrown (and every item moved) while it fills.
  if (current_.items.empty()) {
    if (current_.items.capacity() == 0 && pool_) current_.items = pool_->take_vector();
    current_.items.reserve(std::min<size_t>(max_items_, 1024));
  }
  current_.bytes += size;
  current_.items.push_back(std::move(item));
  if (current_.items.size() >= max_items_ || current_.bytes >= max_bytes_) {
    if (auto b = flush()) ready.push_back(std::move(*b));
  }
}

std::optional<Batch> Batcher::flush() {
  if (current_.items.empty()) return std::nullopt;
  Batch b = std::move(current_);
  current_ = Batch{};
  std::fill(ids_.begin(), ids_.end(), 0);
  return b;
}

DedupWindow::DedupWindow(size_t capacity)
    : capacity_(std::bit_ceil(std::max<size_t>(capacity, 4))), current_(capacity_), previous_(capacity_) {}

DedupWindow::Table::Table(size_t n) : slots(static_cast<uint64_t*>(std::calloc(n, sizeof(uint64_t))), &std::free), size(n) {
  if (!slots) throw std::bad_alloc();
}

bool DedupWindow::Table::contains(uint64_t fp) const {
  size_t mask = size - 1;
  for (size_t i = fp & mask;; i = (i + 1) & mask) {
    if (slots[i] == fp) return true;
    if (slots[i] == 0) return false;
  }
}

void DedupWindow::Table::insert(uint64_t fp) {
  size_t mask = size - 1;
  size_t i = fp & mask;
  while (slots[i] != 0 && slots[i] != fp) i = (i + 1) & mask;
  if (slots[i] == 0) ++used;
  slots[i] = fp;
}

void DedupWindow::prefetch(uint64_t fp) const {
  if (fp == 0) fp = 1;
  __builtin_prefetch(&current_.slots[fp & (current_.size - 1)]);
  __builtin_prefetch(&previous_.slots[fp & (previous_.size - 1)]);
}

bool DedupWindow::seen(uint64_t fp) {
  if (fp == 0) fp = 1;  // 0 marks an empty slot
  if (current_.contains(fp) || previous_.contains(fp)) return true;
  if (current_.used >= capacity_ / 2) {  // keep probing short: retire at half load
    // A fresh table rather than zeroing the retired one: its pages go back to the system and
    // the new ones are zero until touched.
    previous_ = std::move(current_);
    current_ = Table(capacity_);
  }
  current_.insert(fp);
  return false;
}

}  // namespace memconn
