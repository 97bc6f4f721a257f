// The run's book of record: what was read, what is still in flight, what was acknowledged
// or dead-lettered, and from that the commit point of every source (the byte offset and
// line up to which nothing is unaccounted for). Thread-safe.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/dead_letter_sink.h"
#include "engine/item.h"
#include "engine/ring.h"

namespace memconn {

struct Counters {
  uint64_t items_read = 0;   // items parsed from input (excludes blank lines)
  uint64_t sent = 0;         // acknowledged by the target
  uint64_t duplicates = 0;   // identical content met again in this run: not sent
  uint64_t already_present = 0;  // target said it had them already
  uint64_t failed = 0;       // dead-lettered (bad input or refused by the target)
  uint64_t retries = 0;
  uint64_t requests = 0;
  uint64_t batches = 0;      // requests acknowledged
  uint64_t bytes_read = 0;
  uint64_t repaired_utf8 = 0;
};

using LineRanges = std::vector<std::pair<uint64_t, uint64_t>>;  // inclusive [first, last]

struct CommitPoint {
  uint64_t offset = 0;  // resume reading here
  uint64_t line = 0;    // lines before offset
  bool complete = false;  // whole source read and nothing pending
  // Lines after `line` already settled (batches finish out of order): a resumed run skips
  // them, so a crash re-sends only what was really in flight. Filled by commit_point().
  LineRanges settled_ahead;
};

// Compresses sorted line numbers into ranges, and back.
LineRanges to_ranges(const std::set<uint64_t>& lines);

class Ledger {
 public:
  // target is recorded in dead letters so `dlq retry` knows where they were going.
  Ledger(std::vector<std::string> source_names, DeadLetterSink* dead_letters, std::string connector = "",
         std::string target = "");

  // Reader side.
  void start_source(uint32_t source, uint64_t offset, uint64_t line);
  void item_pending(const Item& item);
  void line_read(uint32_t source, uint64_t end_offset, uint64_t line, uint64_t bytes);
  // Both of the above for many lines under one lock: the reader thread calls this every few
  // hundred lines and before handing a batch to the workers, so it rarely contends with them.
  // bodies (same length as newly_pending) is given for a source that cannot be read again
  // (stdin, a pipe): the ledger keeps each item's body until it settles, so a run that
  // stops early can still dead-letter what it read and never delivered.
  // parts (same length, with bodies): which of them are parts of a document (dead letters say so).
  void advance(uint32_t source, const std::vector<Origin>& newly_pending, uint64_t end_offset, uint64_t line,
               uint64_t bytes, std::vector<std::string>* bodies = nullptr, std::vector<uint8_t>* parts = nullptr);
  // After the pipeline stopped: dead-letters every unsettled item whose body was kept, with
  // `why`. Returns how many; an error if the dead-letter file could not be written.
  Result<uint64_t> dead_letter_unsettled(uint32_t source, const std::string& why);
  void source_done(uint32_t source);
  void duplicate() { duplicates_.fetch_add(1); items_read_.fetch_add(1); }
  void counted_read() { items_read_.fetch_add(1); }
  void utf8_repaired() { repaired_.fetch_add(1); }
  // An input line that could not become an item: dead-lettered at once.
  Status bad_input(uint32_t source, uint64_t line, const std::string& raw, const std::string& error);

  // Worker side.
  void request_made() { requests_.fetch_add(1); }
  void retried() { retries_.fetch_add(1); }
  void delivered(const std::vector<const Item*>& items, bool already_present, const std::string& operation_id);
  // One item refused for good (a document's part: item.origin is the part, item.json what the
  // document would have been sent as); written to the dead-letter file, then settled.
  Status dead(const Item& item, long http_status, const std::string& error, int attempts);

  // Called after an acknowledgement or dead letter moved a source's commit point, outside
  // the ledger lock, from the worker thread that settled the items. Set before the run.
  // `settled` lists the lines that just settled (the point's settled_ahead is left empty).
  using CommitObserver = std::function<void(uint32_t, const CommitPoint&, const std::vector<uint64_t>& settled)>;
  void set_commit_observer(CommitObserver f) { observer_ = std::move(f); }

  // Observers (any thread).
  Counters counters() const;
  CommitPoint commit_point(uint32_t source) const;
  std::vector<std::string> operation_ids() const;
  std::set<std::string> sources_of_operation(const std::string& op) const;
  const std::string& source_name(uint32_t source) const { return names_[source]; }
  size_t source_count() const { return names_.size(); }
  // Items handed to the pipeline and not yet acknowledged or dead-lettered.
  size_t pending() const;
  // Their sequence numbers, for one source (dlq retry keeps those entries as they were).
  std::vector<uint64_t> pending_seqs(uint32_t source) const;

 private:
  // One item handed to the pipeline, kept until everything before it has settled.
  struct Entry {
    uint64_t seq, start_offset, lines_before;
    bool settled;
  };
  // What a source that cannot be read again (a pipe, see advance) keeps of an unsettled item.
  struct Body {
    std::string json;
    bool part = false;  // it is a part of a document
  };
  struct SourceState {
    uint64_t read_offset = 0, read_line = 0;
    bool done = false;
    // Ordered by seq (items are handed over in order); the front is always unsettled, so it
    // is the commit point, and the settled entries behind it are the lines settled ahead.
    // A ring of plain values: no allocation per item, and bounded by what is in flight.
    Ring<Entry> window;
    size_t unsettled = 0;
    // By seq; only for a pipe's items, so the window of a file stays 32 bytes an item.
    std::unordered_map<uint64_t, Body> bodies;
  };
  // Requires mu_.
  void add_pending(SourceState& s, uint64_t seq, uint64_t start_offset, uint64_t lines_before, std::string body = {},
                   bool part = false);
  void settle(const Origin& origin);  // requires mu_
  struct Moved {
    uint32_t source;
    CommitPoint point;
    std::vector<uint64_t> settled;
  };
  void notify(const std::vector<Moved>& moved);
  CommitPoint commit_point_locked(uint32_t source) const;  // requires mu_
  void prune_locked(uint32_t source);                      // requires mu_
  CommitObserver observer_;

  std::vector<std::string> names_;
  DeadLetterSink* dead_letters_;
  std::string connector_;
  std::string target_;
  mutable std::mutex mu_;  // guards sources_, ops_
  std::vector<SourceState> sources_;
  std::map<std::string, std::set<uint32_t>> ops_;
  // Plain counters are atomics so the progress display reads them without the lock.
  std::atomic<uint64_t> items_read_{0}, sent_{0}, duplicates_{0}, present_{0}, failed_{0}, retries_{0},
      requests_{0}, batches_{0}, bytes_{0}, repaired_{0};
};

}  // namespace memconn
