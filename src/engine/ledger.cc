#include "engine/ledger.h"

#include <algorithm>

#include "base/iso_time.h"
#include "base/json_writer.h"

namespace memconn {

Ledger::Ledger(std::vector<std::string> source_names, DeadLetterSink* dead_letters, std::string connector,
               std::string target)
    : names_(std::move(source_names)), dead_letters_(dead_letters), connector_(std::move(connector)),
      target_(std::move(target)), sources_(names_.size()) {}

void Ledger::start_source(uint32_t source, uint64_t offset, uint64_t line) {
  std::lock_guard<std::mutex> lock(mu_);
  sources_[source].read_offset = offset;
  sources_[source].read_line = line;
}

void Ledger::item_pending(const Item& item) {
  items_read_.fetch_add(1);
  std::lock_guard<std::mutex> lock(mu_);
  add_pending(sources_[item.origin.source], item.origin.seq, item.origin.start_offset, item.origin.line - 1);
}

namespace {
// Index of the first entry whose seq is not below `seq` (the window is ordered by seq).
template <typename Window>
size_t lower_bound_seq(const Window& w, uint64_t seq) {
  // Readers hand over every seq in order, so the window is usually dense: try the direct place.
  if (!w.empty() && seq >= w[0].seq) {
    size_t guess = static_cast<size_t>(seq - w[0].seq);
    if (guess < w.size() && w[guess].seq == seq) return guess;
  }
  size_t lo = 0, hi = w.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (w[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
}  // namespace

void Ledger::add_pending(SourceState& s, uint64_t seq, uint64_t start_offset, uint64_t lines_before, std::string body,
                         bool part) {
  auto& w = s.window;
  if (w.empty() || w.back().seq < seq) {
    w.push_back({seq, start_offset, lines_before, false});
  } else {  // out of order (not how the readers hand items over, but allowed)
    size_t i = lower_bound_seq(w, seq);
    if (i < w.size() && w[i].seq == seq) return;
    w.insert(i, {seq, start_offset, lines_before, false});
  }
  if (!body.empty()) s.bodies[seq] = Body{std::move(body), part};
  ++s.unsettled;
}

void Ledger::line_read(uint32_t source, uint64_t end_offset, uint64_t line, uint64_t bytes) {
  bytes_.fetch_add(bytes);
  std::lock_guard<std::mutex> lock(mu_);
  sources_[source].read_offset = end_offset;
  sources_[source].read_line = line;
}

void Ledger::advance(uint32_t source, const std::vector<Origin>& newly_pending, uint64_t end_offset, uint64_t line,
                     uint64_t bytes, std::vector<std::string>* bodies, std::vector<uint8_t>* parts) {
  items_read_.fetch_add(newly_pending.size());
  bytes_.fetch_add(bytes);
  std::lock_guard<std::mutex> lock(mu_);
  auto& s = sources_[source];
  for (size_t i = 0; i < newly_pending.size(); ++i) {
    const auto& o = newly_pending[i];
    add_pending(s, o.seq, o.start_offset, o.line - 1, bodies ? std::move((*bodies)[i]) : std::string(),
                parts && (*parts)[i]);
  }
  if (bodies) bodies->clear();
  if (parts) parts->clear();
  s.read_offset = end_offset;
  s.read_line = line;
}

void Ledger::source_done(uint32_t source) {
  std::lock_guard<std::mutex> lock(mu_);
  sources_[source].done = true;
}

Status Ledger::bad_input(uint32_t source, uint64_t line, const std::string& raw, const std::string& error) {
  failed_.fetch_add(1);
  items_read_.fetch_add(1);
  DeadLetter d;
  d.time = now_iso8601();
  d.source = names_[source];
  d.line = line;
  std::string item;
  JsonWriter w(item);
  w.begin_object().key("raw").value(raw).end_object();
  d.item_json = item;
  d.error = error;
  d.connector = connector_;
  d.target = target_;
  return dead_letters_->append(d);
}

LineRanges to_ranges(const std::set<uint64_t>& lines) {
  LineRanges out;
  for (auto l : lines) {
    if (!out.empty() && out.back().second + 1 == l) out.back().second = l;
    else out.emplace_back(l, l);
  }
  return out;
}

void Ledger::settle(const Origin& o) {
  auto& s = sources_[o.source];
  auto& w = s.window;
  size_t i = lower_bound_seq(w, o.seq);
  if (i == w.size() || w[i].seq != o.seq || w[i].settled) return;
  w[i].settled = true;
  if (!s.bodies.empty()) s.bodies.erase(o.seq);
  --s.unsettled;
  prune_locked(o.source);
}

void Ledger::prune_locked(uint32_t source) {
  auto& w = sources_[source].window;
  while (!w.empty() && w.front().settled) w.pop_front();
}

void Ledger::notify(const std::vector<Moved>& moved) {
  if (observer_)
    for (const auto& m : moved) observer_(m.source, m.point, m.settled);
}

void Ledger::delivered(const std::vector<const Item*>& items, bool already_present, const std::string& operation_id) {
  size_t n = 0;
  for (const auto* it : items) n += it->document_write ? it->settles.size() : 1;
  (already_present ? present_ : sent_).fetch_add(n);
  batches_.fetch_add(1);
  std::vector<Moved> moved;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto settle_one = [&](const Origin& o) {
      settle(o);
      // A batch almost always comes from one source: a short scan, no map per batch.
      auto m = std::find_if(moved.begin(), moved.end(), [&](const Moved& x) { return x.source == o.source; });
      if (m == moved.end()) {
        moved.push_back({o.source, {}, {}});
        m = moved.end() - 1;
        m->settled.reserve(items.size());
      }
      m->settled.push_back(o.line);
      if (!operation_id.empty()) ops_[operation_id].insert(o.source);
    };
    for (const auto* it : items) {
      if (!it->document_write) settle_one(it->origin);
      else
        for (const auto& o : it->settles) settle_one(o);
    }
    if (observer_)
      for (auto& m : moved) m.point = commit_point_locked(m.source);
    else
      moved.clear();
  }
  notify(moved);
}

Status Ledger::dead(const Item& item, long http_status, const std::string& error, int attempts) {
  DeadLetter d;
  d.time = now_iso8601();
  d.source = names_[item.origin.source];
  d.line = item.origin.line;
  d.document_id = item.document_id;
  d.item_json = item.json;
  d.document_part = item.explicit_id;
  d.http_status = http_status;
  d.error = error;
  d.attempts = attempts;
  d.connector = connector_;
  d.target = target_;
  // Written before the item is settled: a crash in between re-sends it rather than losing it.
  auto st = dead_letters_->append(d);
  if (!st) return st;
  failed_.fetch_add(1);
  std::vector<Moved> moved;
  {
    std::lock_guard<std::mutex> lock(mu_);
    settle(item.origin);
    if (observer_) moved.push_back({item.origin.source, commit_point_locked(item.origin.source), {item.origin.line}});
  }
  notify(moved);
  return st;
}

Result<uint64_t> Ledger::dead_letter_unsettled(uint32_t source, const std::string& why) {
  std::vector<std::pair<Entry, Body>> lost;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto& s = sources_[source];
    const auto& w = s.window;
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i].settled) continue;
      auto b = s.bodies.find(w[i].seq);
      if (b != s.bodies.end() && !b->second.json.empty()) lost.emplace_back(w[i], b->second);
    }
  }
  for (const auto& [e, body] : lost) {
    Item item;
    item.origin.source = source;
    item.origin.seq = e.seq;
    item.origin.line = e.lines_before + 1;
    item.json = body.json;
    item.explicit_id = body.part;
    if (auto st = dead(item, 0, why, 0); !st) return st.error();
  }
  return static_cast<uint64_t>(lost.size());
}

Counters Ledger::counters() const {
  Counters c;
  c.items_read = items_read_.load();
  c.sent = sent_.load();
  c.duplicates = duplicates_.load();
  c.already_present = present_.load();
  c.failed = failed_.load();
  c.retries = retries_.load();
  c.requests = requests_.load();
  c.batches = batches_.load();
  c.bytes_read = bytes_.load();
  c.repaired_utf8 = repaired_.load();
  return c;
}

CommitPoint Ledger::commit_point(uint32_t source) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto cp = commit_point_locked(source);
  const auto& w = sources_[source].window;
  for (size_t i = 0; i < w.size(); ++i) {
    const auto& e = w[i];
    if (!e.settled) continue;
    uint64_t l = e.lines_before + 1;
    if (!cp.settled_ahead.empty() && cp.settled_ahead.back().second + 1 == l) cp.settled_ahead.back().second = l;
    else cp.settled_ahead.emplace_back(l, l);
  }
  return cp;
}

CommitPoint Ledger::commit_point_locked(uint32_t source) const {
  const auto& s = sources_[source];
  if (s.window.empty()) return CommitPoint{s.read_offset, s.read_line, s.done, {}};
  // Everything before the oldest unsettled item is accounted for.
  const auto& front = s.window.front();
  return CommitPoint{front.start_offset, front.lines_before, false, {}};
}

std::vector<std::string> Ledger::operation_ids() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [op, _] : ops_) out.push_back(op);
  return out;
}

std::set<std::string> Ledger::sources_of_operation(const std::string& op) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> out;
  auto it = ops_.find(op);
  if (it != ops_.end())
    for (auto s : it->second) out.insert(names_[s]);
  return out;
}

size_t Ledger::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& s : sources_) n += s.unsettled;
  return n;
}

std::vector<uint64_t> Ledger::pending_seqs(uint32_t source) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<uint64_t> out;
  const auto& w = sources_[source].window;
  for (size_t i = 0; i < w.size(); ++i)
    if (!w[i].settled) out.push_back(w[i].seq);
  return out;
}

}  // namespace memconn
