#include "ingest/documents.h"

#include <algorithm>

namespace memconn {

namespace {

void add_tag(std::vector<std::string>& tags, const std::string& t) {
  if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
}

bool before(const Part& a, const Part& b) { return a.rank != b.rank ? a.rank < b.rank : a.line < b.line; }

}  // namespace

Item fold_parts(const std::string& document_id, const std::vector<Part>& parts) {
  Item it;
  it.document_id = document_id;
  it.explicit_id = true;
  size_t n = 0;
  for (const auto& p : parts) n += p.content.size() + 1;
  it.content.reserve(n);
  for (size_t i = 0; i < parts.size(); ++i) {
    const Part& p = parts[i];
    if (i == 0) {
      it.context = p.context;
      it.timestamp = p.timestamp;
    } else {
      it.content += '\n';
    }
    it.content += p.content;
    for (const auto& t : p.tags) add_tag(it.tags, t);
    for (const auto& kv : p.metadata) {
      auto e = std::find_if(it.metadata.begin(), it.metadata.end(), [&](const auto& x) { return x.first == kv.first; });
      if (e == it.metadata.end()) it.metadata.push_back(kv);
      else e->second = kv.second;
    }
  }
  return it;
}

uint32_t DocumentBook::rank_of(Doc& d, const std::string& path) {
  uint32_t file = name_id(path);
  auto it = std::find(d.files.begin(), d.files.end(), file);
  if (it != d.files.end()) return static_cast<uint32_t>(it - d.files.begin());
  d.files.push_back(file);
  auto rank = static_cast<uint32_t>(d.files.size() - 1);
  // Exclusions named before this file had a rank.
  for (auto e = d.excluded_files.begin(); e != d.excluded_files.end();) {
    if (e->first == file) {
      d.excluded.emplace_back(rank, e->second);
      e = d.excluded_files.erase(e);
    } else {
      ++e;
    }
  }
  return rank;
}

std::pair<uint64_t, uint32_t> DocumentBook::hash_id(const std::string& id) {
  uint64_t h2 = 14695981039346656037ull;  // FNV-1a, independent of std::hash
  for (unsigned char c : id) h2 = (h2 ^ c) * 1099511628211ull;
  return {std::hash<std::string>{}(id), static_cast<uint32_t>(h2 >> 32) | 1};  // never both 0 (an empty slot)
}

uint32_t DocumentBook::name_id(const std::string& file) {
  auto it = name_ids_.find(file);
  if (it != name_ids_.end()) return it->second;
  names_.push_back(file);
  auto id = static_cast<uint32_t>(names_.size() - 1);
  name_ids_.emplace(file, id);
  return id;
}

// Forgotten documents (idle_) are records of a DiskTable: k1 and k2 hash the id, v32 holds
// the file (high 16 bits) and the parts held (low 16, saturating: it only paces writes), v64
// where the chain ends. An I/O error of the table is kept in idle_error_ and returned by the
// next add() or take_writes(): a lookup that failed finds nothing, a forget that failed keeps
// the Doc.
std::optional<DiskTable::Rec> DocumentBook::find_idle(const std::string& id, bool take) {
  if (idle_.size() == 0 || !idle_error_) return std::nullopt;
  auto [h1, h2] = hash_id(id);
  auto got = take ? idle_.take(h1, h2) : idle_.find(h1, h2);
  if (!got) {
    idle_error_ = got.error();
    return std::nullopt;
  }
  return *got;
}

DocumentBook::Doc& DocumentBook::doc(const std::string& id) {
  auto it = docs_.find(id);
  if (it != docs_.end()) return it->second;
  Doc& d = docs_[id];
  if (auto x = find_idle(id, true)) {
    d.last = x->v64;
    d.files.push_back(x->v32 >> 16);
    d.settled = x->v32 & 0xffff;
  }
  return d;
}

void DocumentBook::maybe_forget(const std::string& id, Doc& d) {
  if (!forget_idle_ || !d.unsent.empty() || d.carried > 0 || d.held || d.queued || d.due || d.probe > 0 ||
      d.files.size() != 1 || !d.excluded.empty() || !d.excluded_files.empty() || d.last == PartSpool::kNone ||
      !idle_error_)
    return;
  uint32_t file = d.files[0];
  if (file > UINT16_MAX) return;
  if (!idle_.is_open()) {
    auto t = DiskTable::open(spool_.dir());
    if (!t) {
      idle_error_ = t.error();
      return;
    }
    idle_ = std::move(*t);
  }
  auto [h1, h2] = hash_id(id);
  auto settled = static_cast<uint32_t>(std::min<size_t>(d.settled, UINT16_MAX));
  if (auto st = idle_.insert(DiskTable::Rec{h1, h2, file << 16 | settled, d.last}); !st) {
    idle_error_ = st;
    return;
  }
  docs_.erase(docs_.find(id));  // by iterator: `id` may be the key of the node erased
}

bool DocumentBook::known(const std::string& document_id) {
  return docs_.count(document_id) > 0 || find_idle(document_id, false).has_value();
}

bool DocumentBook::has_file(const std::string& document_id, const std::string& path) {
  auto name = name_ids_.find(path);
  if (name == name_ids_.end()) return false;  // no document has a part of it yet
  uint32_t file = name->second;
  auto it = docs_.find(document_id);
  if (it != docs_.end()) return std::find(it->second.files.begin(), it->second.files.end(), file) != it->second.files.end();
  auto x = find_idle(document_id, false);
  return x && (x->v32 >> 16) == file;
}

void DocumentBook::order_files(const std::string& document_id, const std::vector<std::string>& files) {
  Doc& d = doc(document_id);
  for (const auto& f : files) rank_of(d, f);
}

void DocumentBook::exclude(const std::string& document_id, const std::string& path, uint64_t line) {
  Doc& d = doc(document_id);
  uint32_t file = name_id(path);
  auto it = std::find(d.files.begin(), d.files.end(), file);
  if (it != d.files.end()) d.excluded.emplace_back(static_cast<uint32_t>(it - d.files.begin()), line);
  else d.excluded_files.emplace_back(file, line);
}

Status DocumentBook::add(const std::string& file, const Item& item, bool is_new) {
  Doc& d = doc(item.document_id);
  Part p;
  p.rank = rank_of(d, file);
  p.line = item.origin.line;
  if (std::find(d.excluded.begin(), d.excluded.end(), std::pair{p.rank, p.line}) != d.excluded.end()) return ok_status();
  p.content = item.content;
  p.context = item.context;
  p.timestamp = item.timestamp;
  p.tags = item.tags;
  p.metadata = item.metadata;
  if (!idle_error_) return idle_error_;
  auto at = spool_.append(d.last, p);
  if (!at) return at.error();
  d.last = *at;
  if (!is_new) {
    ++d.settled;
    maybe_forget(item.document_id, d);
    return idle_error_;
  }
  d.unsent.push_back({item.origin.seq, item.origin.line, added_++, item.origin.source, p.rank});
  ++unsent_total_;
  enqueue(item.document_id, d);
  return ok_status();
}

void DocumentBook::hold(const std::string& document_id, bool held) {
  auto it = docs_.find(document_id);
  if (it == docs_.end()) return;
  it->second.held = held;
  if (!held) enqueue(it->first, it->second);
}

void DocumentBook::enqueue(const std::string& id, Doc& d) {
  if (d.held || d.carried > 0 || d.unsent.empty()) return;
  if (!d.queued) {
    d.queued = true;
    ready_.emplace_back(id, d.gen);
  }
  if (!d.due && d.unsent.size() >= d.settled) {
    d.due = true;
    due_.emplace_back(id, d.gen);
  }
}

DocumentBook::Doc* DocumentBook::front_of(Queue& q) {
  while (!q.empty()) {
    auto found = docs_.find(q.front().first);
    if (found == docs_.end()) {  // forgotten since: nothing to send
      q.pop_front();
      continue;
    }
    Doc& d = found->second;
    // Taken since it was queued (its gen moved on), or changed: held, in flight, nothing new.
    if (d.gen == q.front().second && !d.held && d.carried == 0 && !d.unsent.empty()) return &d;
    if (d.gen == q.front().second) (&q == &ready_ ? d.queued : d.due) = false;
    q.pop_front();
  }
  return nullptr;
}

Status DocumentBook::collect_spool() {
  auto fresh = spool_.fresh();
  if (!fresh) return fresh.error();
  auto move_chain = [&](uint64_t& last) -> Status {
    if (last == PartSpool::kNone) return ok_status();
    if (auto st = spool_.read_chain(last, parts_); !st) return st;
    auto at = fresh->compact(parts_);
    if (!at) return at.error();
    last = *at;
    return ok_status();
  };
  for (auto& entry : docs_)
    if (auto st = move_chain(entry.second.last); !st) return st;
  Status moved = ok_status();
  if (idle_.is_open())
    if (auto st = idle_.for_each([&](DiskTable::Rec& x) {
          if (moved) moved = move_chain(x.v64);
        });
        !st)
      return st;
  if (!moved) return moved;
  spool_ = std::move(*fresh);  // the old file goes with its descriptor
  dead_bytes_ = 0;
  return ok_status();
}

Result<std::vector<Item>> DocumentBook::take_writes(size_t max_items, size_t max_bytes, size_t horizon) {
  if (!idle_error_) return idle_error_.error();
  if (spool_.bytes() >= collect_from_ && dead_bytes_ * 3 > spool_.bytes() * 2)
    if (auto st = collect_spool(); !st) return st.error();
  std::vector<Item> out;
  size_t bytes = 0;
  while (out.size() < max_items) {
    // Those grown enough first, then the oldest if the horizon says so (or all of them).
    Queue* q = &due_;
    Doc* dp = front_of(due_);
    if (!dp) {
      q = &ready_;
      dp = front_of(ready_);
      if (!dp || (horizon > 0 && added_ - dp->unsent.front().ordinal < horizon)) break;
    }
    Doc& d = *dp;
    const std::string& id = q->front().first;
    size_t records = 0;
    uint64_t chain_bytes = 0;
    if (auto st = spool_.read_chain(d.last, parts_, &records, &chain_bytes); !st) return st.error();
    if (records > 1) {  // the next write reads one record, not one per part (part_spool.h)
      auto at = spool_.compact(parts_);
      if (!at) return at.error();
      d.last = *at;
      dead_bytes_ += chain_bytes;
    }
    // What this write carries: every committed part and the oldest `carry` new ones (all of
    // them unless a refusal is being narrowed down), minus the parts refused before.
    size_t carry = d.probe > 0 ? std::min(d.probe, d.unsent.size()) : d.unsent.size();
    std::vector<std::pair<uint32_t, uint64_t>> left_out(d.excluded);
    for (size_t i = carry; i < d.unsent.size(); ++i) left_out.emplace_back(d.unsent[i].rank, d.unsent[i].line);
    std::erase_if(parts_, [&](const Part& p) {
      return std::find(left_out.begin(), left_out.end(), std::pair{p.rank, p.line}) != left_out.end();
    });
    std::stable_sort(parts_.begin(), parts_.end(), before);
    Item w = fold_parts(id, parts_);
    w.document_write = true;
    for (size_t i = 0; i < carry; ++i) w.settles.push_back(d.unsent[i].origin());
    w.origin = w.settles.front();
    target_.encode(w);
    if (!out.empty() && bytes + w.json.size() > max_bytes) break;  // the next batch takes it
    bytes += w.json.size();
    d.carried = carry;
    d.queued = d.due = false;
    ++d.gen;  // its entries in the other queue are stale now
    q->pop_front();
    ++in_flight_;
    out.push_back(std::move(w));
  }
  return out;
}

Status DocumentBook::for_each_document(const std::function<void(const Item&)>& f) {
  for (auto& entry : docs_) {
    const auto& id = entry.first;
    const auto& d = entry.second;  // not a structured binding: clang 14 cannot capture one
    if (d.last == PartSpool::kNone) continue;
    if (auto st = spool_.read_chain(d.last, parts_); !st) return st;
    std::erase_if(parts_, [&](const Part& p) {
      return std::find(d.excluded.begin(), d.excluded.end(), std::pair{p.rank, p.line}) != d.excluded.end();
    });
    if (parts_.empty()) continue;
    std::stable_sort(parts_.begin(), parts_.end(), before);
    f(fold_parts(id, parts_));
  }
  return ok_status();
}

void DocumentBook::delivered(const Item& write) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back({write.document_id, true, 0, "", 0});
  }
  event_cv_.notify_one();
}

void DocumentBook::refused(const Item& write, long status, const std::string& message, int attempts) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back({write.document_id, false, status, message, attempts});
  }
  event_cv_.notify_one();
}

void DocumentBook::wait_event(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  event_cv_.wait_for(lock, timeout, [&] { return !events_.empty(); });
}

Result<bool> DocumentBook::apply_events(Ledger& ledger, const ExcludedHook& on_excluded) {
  std::vector<Event> events;
  {
    std::lock_guard<std::mutex> lock(mu_);
    events.swap(events_);
  }
  for (auto& e : events) {
    auto found = docs_.find(e.document_id);
    if (found == docs_.end()) continue;
    Doc& d = found->second;
    size_t carried = d.carried;
    d.carried = 0;
    if (in_flight_ > 0) --in_flight_;
    if (e.accepted) {
      // Those parts are in the target now; the rest (if any) go with the next write.
      for (size_t i = 0; i < carried && !d.unsent.empty(); ++i) d.unsent.pop_front();
      unsent_total_ -= std::min(unsent_total_, carried);
      d.settled += carried;
      d.probe = 0;
    } else if (carried > 1) {
      d.probe = carried / 2;  // narrow it down: the first half alone
    } else if (carried == 1) {
      // This part is what the target refuses: dead-lettered, and never part of the text again.
      Unsent u = d.unsent.front();
      d.unsent.pop_front();
      --unsent_total_;
      d.probe = 0;
      d.excluded.emplace_back(u.rank, u.line);
      Item part;
      if (auto st = spool_.read_chain(d.last, parts_); !st) return st.error();
      for (const auto& p : parts_)
        if (p.rank == u.rank && p.line == u.line) part = fold_parts(found->first, {p});
      part.origin = u.origin();
      target_.encode(part);
      if (auto st = ledger.dead(part, e.status, e.message + " (left out of document " + found->first +
                                                     "; its other parts were sent)", e.attempts);
          !st)
        return st.error();
      if (on_excluded) on_excluded(found->first, names_[d.files[u.rank]], u.line);
    }
    enqueue(found->first, d);
    maybe_forget(found->first, d);
  }
  return !events.empty();
}

}  // namespace memconn
