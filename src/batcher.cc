#include "batcher.h"

namespace memconn {

void Batcher::add(Item item, std::vector<Batch>& ready) {
  size_t size = item.json.size() + 1;
  bool conflicts = ids_.count(item.document_id) > 0;
  bool too_big = !current_.items.empty() && current_.bytes + size > max_bytes_;
  if (conflicts || too_big) {
    if (auto b = flush()) ready.push_back(std::move(*b));
  }
  ids_.insert(item.document_id);
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
  ids_.clear();
  return b;
}

bool DedupWindow::seen(uint64_t fp) {
  if (current_.count(fp) || previous_.count(fp)) return true;
  if (current_.size() >= generation_size_) {
    previous_ = std::move(current_);
    current_ = {};
  }
  current_.insert(fp);
  return false;
}

}  // namespace memconn
