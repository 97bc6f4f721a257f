#include "core/ledger.h"

#include "core/iso_time.h"
#include "core/json_writer.h"

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
  sources_[item.origin.source].pending.emplace(item.origin.seq,
                                               std::make_pair(item.origin.start_offset, item.origin.line - 1));
}

void Ledger::line_read(uint32_t source, uint64_t end_offset, uint64_t line, uint64_t bytes) {
  bytes_.fetch_add(bytes);
  std::lock_guard<std::mutex> lock(mu_);
  sources_[source].read_offset = end_offset;
  sources_[source].read_line = line;
}

void Ledger::advance(uint32_t source, const std::vector<Origin>& newly_pending, uint64_t end_offset, uint64_t line,
                     uint64_t bytes) {
  items_read_.fetch_add(newly_pending.size());
  bytes_.fetch_add(bytes);
  std::lock_guard<std::mutex> lock(mu_);
  auto& s = sources_[source];
  for (const auto& o : newly_pending) s.pending.emplace(o.seq, std::make_pair(o.start_offset, o.line - 1));
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

void Ledger::settle(const Item& item) {
  auto& s = sources_[item.origin.source];
  s.pending.erase(item.origin.seq);
  s.settled_ahead.insert(item.origin.line);
  prune_locked(item.origin.source);
}

void Ledger::prune_locked(uint32_t source) {
  auto& s = sources_[source];
  uint64_t committed = s.pending.empty() ? s.read_line : s.pending.begin()->second.second;
  s.settled_ahead.erase(s.settled_ahead.begin(), s.settled_ahead.upper_bound(committed));
}

void Ledger::notify(const std::vector<Moved>& moved) {
  if (observer_)
    for (const auto& m : moved) observer_(m.source, m.point, m.settled);
}

void Ledger::delivered(const std::vector<const Item*>& items, bool already_present, const std::string& operation_id) {
  (already_present ? present_ : sent_).fetch_add(items.size());
  batches_.fetch_add(1);
  std::vector<Moved> moved;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::map<uint32_t, std::vector<uint64_t>> touched;
    for (const auto* it : items) {
      settle(*it);
      touched[it->origin.source].push_back(it->origin.line);
      if (!operation_id.empty()) ops_[operation_id].insert(it->origin.source);
    }
    if (observer_)
      for (auto& [s, lines] : touched) moved.push_back({s, commit_point_locked(s), std::move(lines)});
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
    settle(item);
    if (observer_) moved.push_back({item.origin.source, commit_point_locked(item.origin.source), {item.origin.line}});
  }
  notify(moved);
  return st;
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
  cp.settled_ahead = to_ranges(sources_[source].settled_ahead);
  return cp;
}

CommitPoint Ledger::commit_point_locked(uint32_t source) const {
  const auto& s = sources_[source];
  if (s.pending.empty()) return CommitPoint{s.read_offset, s.read_line, s.done, {}};
  // Everything before the oldest unsettled item is accounted for.
  const auto& [offset, line] = s.pending.begin()->second;
  return CommitPoint{offset, line, false, {}};
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
  for (const auto& s : sources_) n += s.pending.size();
  return n;
}

std::vector<uint64_t> Ledger::pending_seqs(uint32_t source) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<uint64_t> out;
  for (const auto& [seq, _] : sources_[source].pending) out.push_back(seq);
  return out;
}

}  // namespace memconn
