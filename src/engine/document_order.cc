#include "engine/document_order.h"

#include <chrono>
#include <unordered_set>


namespace memconn {

namespace {

// Each document once, in order of first appearance.
template <typename F>
void each_document(const std::vector<const Item*>& items, F&& f) {
  std::unordered_set<std::string_view> seen;
  for (const Item* it : items)
    if (it->explicit_id && seen.insert(it->document_id).second) f(*it);
}

}  // namespace

void DocumentOrder::enlist(Batch& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  std::unordered_map<std::string_view, uint64_t> here;
  for (auto& it : batch.items) {
    if (!it.explicit_id) continue;
    auto [pos, fresh] = here.emplace(it.document_id, 0);
    if (fresh) pos->second = docs_[it.document_id].next++;
    it.part = pos->second;
  }
}

bool DocumentOrder::wait_turn(const std::vector<const Item*>& items, const RunControl& control) {
  std::unique_lock<std::mutex> lock(mu_);
  auto ready = [&] {
    for (const Item* it : items) {
      if (!it->explicit_id) continue;
      auto d = docs_.find(it->document_id);
      if (d != docs_.end() && d->second.served != it->part) return false;
    }
    return true;
  };
  // The stop flag is not tied to this condition variable: poll it.
  while (!ready()) {
    if (control.stopping()) return false;
    cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
  return true;
}

void DocumentOrder::settled(const std::vector<const Item*>& items) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    each_document(items, [&](const Item& it) {
      auto d = docs_.find(it.document_id);
      if (d == docs_.end()) return;
      if (++d->second.served == d->second.next) docs_.erase(d);
    });
  }
  cv_.notify_all();
}

void DocumentOrder::set_doubtful(const std::string& document_id, bool doubtful) {
  std::lock_guard<std::mutex> lock(mu_);
  if (doubtful) doubtful_.insert(document_id);
  else doubtful_.erase(document_id);
}

bool DocumentOrder::doubtful(const std::string& document_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return doubtful_.count(document_id) > 0;
}

size_t DocumentOrder::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return docs_.size();
}

}  // namespace memconn
