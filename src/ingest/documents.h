// The documents of an ingest run (items with their own ids: conversations, transcripts,
// notes): every part met, and what the target must be sent so that each document ends
// holding the text of all its parts, in order, exactly once.
//
// The rule that makes it safe: a document is only ever sent WHOLE, as a replace. A write may
// then be applied twice (a lost acknowledgement, libcurl re-sending on a reused connection, a
// timeout or a gateway's 504 while the server goes on, a killed run's write landing late)
// without changing the result. So:
//   - parts go to a PartSpool (disk), a document keeps a pointer to its newest part;
//   - a document has at most one write in flight; parts that arrive meanwhile wait in the
//     document, not in the workers, and the next write carries them all (late folding: a
//     document is rebuilt when a worker can take it, so an interleaved export is sent in few
//     writes per document, not one per turn);
//   - a write names the parts it is the first to carry (Item::settles): the ledger settles
//     those when it is acknowledged, and the commit point moves;
//   - a refused write is narrowed down: half of its new parts, then half again, until the part
//     the target refuses is found; that part is dead-lettered and left out of the document's
//     text from then on, and the others go on (a refused turn never blocks a conversation).
// Parts a document has from earlier runs (a resumed file's committed lines, other files) are
// added as `committed`: they are in every write, and nothing settles for them.
//
// Reader thread only, except delivered() and refused(), which workers call.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/disk_table.h"
#include "base/result.h"
#include "engine/item.h"
#include "engine/ledger.h"
#include "ingest/part_spool.h"
#include "targets/target.h"

namespace memconn {

// One document's parts, ordered by the rank of their file among the document's files and by
// line; content "\n"-joined. The first part's context and timestamp stand for the document,
// tags are the union, later metadata wins (what the server's own fold of a request does).
Item fold_parts(const std::string& document_id, const std::vector<Part>& parts);

class DocumentBook {
 public:
  DocumentBook(PartSpool spool, const Target& target) : spool_(std::move(spool)), target_(target) {}

  // A part of document item.document_id from file `file` (a path, or "-" for stdin). A new
  // part is pending in the ledger at item.origin and settles with the first acknowledged write
  // that carries it; a committed one was acknowledged before. Returns the document's state.
  Status add(const std::string& file, const Item& item, bool is_new);
  // The files a document met for the first time has parts in, in the order its text follows
  // (from the index of earlier runs); files met later come after them.
  void order_files(const std::string& document_id, const std::vector<std::string>& files);
  // Leaves a part (file, line) out of the document's text: it was refused before. Call
  // before the part is added.
  void exclude(const std::string& document_id, const std::string& file, uint64_t line);
  // While held, a document is not written (its parts from other files are not read yet).
  void hold(const std::string& document_id, bool held);
  bool known(const std::string& document_id);
  // Whether the book has a part of the document from `file` (the first one is recorded in
  // the document index).
  bool has_file(const std::string& document_id, const std::string& file);
  // An ingest run: a document with nothing to send, in one file, with no part left out, is
  // kept as a 24-byte record on disk instead of a Doc in memory (an export of a million notes,
  // each its own document, would hold a million Docs), and made whole again when another part
  // of it comes. Not for for_each_document, which needs every document's id.
  void forget_idle() { forget_idle_ = true; }

  // Writes of documents that have parts to send and no write in flight, up to max_items
  // documents and max_bytes of JSON (one at least). Each is an Item with document_write set,
  // its whole text, and the parts it settles.
  //
  // horizon 0 takes every such document, oldest first. Otherwise only those it is worth
  // writing now, since every write carries the whole text (sending a 100-part conversation
  // once per new turn would send 50 times its text):
  //   - a document whose new parts at least match what the target holds of it (so what is
  //     sent of a document over a run is at most about twice its text), and
  //   - a document whose oldest new part was read `horizon` parts ago or more (the run's
  //     read-ahead, which bounds memory, must move on).
  Result<std::vector<Item>> take_writes(size_t max_items, size_t max_bytes, size_t horizon = 0);
  bool has_ready() const { return !ready_.empty(); }
  // Documents that take_writes with a horizon would take at once (stale entries included).
  size_t due_count() const { return due_.size(); }
  // Parts read and not yet acknowledged (the read-ahead a run bounds).
  size_t unsent_parts() const { return unsent_total_; }
  size_t writes_in_flight() const { return in_flight_; }
  // Nothing to send and nothing in flight.
  bool idle() const { return ready_.empty() && in_flight_ == 0; }
  size_t documents() const { return docs_.size() + idle_.size(); }
  // The part spool's size, and the size from which it is collected (tests make it small).
  uint64_t spool_bytes() const { return spool_.bytes(); }
  void collect_spool_from(uint64_t bytes) { collect_from_ = bytes; }

  // Every document's whole text as its writes carry it (its parts, minus those left out), in
  // no particular order: what verify expects the target to hold.
  Status for_each_document(const std::function<void(const Item&)>& f);

  // Workers: the target acknowledged a write, or refused it for good.
  void delivered(const Item& write);
  void refused(const Item& write, long status, const std::string& message, int attempts);
  // Reader: applies what the workers reported; a part found to be refused is dead-lettered
  // through the ledger (as its own item) and reported through on_excluded. Returns whether
  // anything changed.
  using ExcludedHook = std::function<void(const std::string& document_id, const std::string& file, uint64_t line)>;
  Result<bool> apply_events(Ledger& ledger, const ExcludedHook& on_excluded);
  // Reader: waits until a worker reports (or the timeout passes).
  void wait_event(std::chrono::milliseconds timeout);

 private:
  // 32 bytes, as many as the read-ahead holds: of its Origin, what settling it needs.
  struct Unsent {
    uint64_t seq, line;
    uint64_t ordinal;  // parts added to the book before it
    uint32_t source, rank;
    Origin origin() const { return Origin{source, line, 0, 0, seq}; }
  };
  // A document's unsent parts, oldest first. Not a std::deque: libstdc++'s allocates 512
  // bytes for even an empty one, and an export has tens of thousands of documents, most of
  // them with nothing unsent most of the time.
  class UnsentQueue {
   public:
    void push_back(const Unsent& u) { v_.push_back(u); }
    void pop_front() {
      if (++head_ < v_.size()) {
        if (head_ >= 32 && head_ * 2 >= v_.size()) {  // keep it as long as what it holds
          v_.erase(v_.begin(), v_.begin() + static_cast<std::ptrdiff_t>(head_));
          head_ = 0;
        }
        return;
      }
      head_ = 0;
      if (v_.capacity() > 2) std::vector<Unsent>().swap(v_);  // most documents sit idle: hold nothing
      else v_.clear();
    }
    const Unsent& front() const { return v_[head_]; }
    const Unsent& operator[](size_t i) const { return v_[head_ + i]; }
    size_t size() const { return v_.size() - head_; }
    bool empty() const { return head_ == v_.size(); }

   private:
    std::vector<Unsent> v_;
    size_t head_ = 0;
  };
  struct Doc {
    uint64_t last = PartSpool::kNone;  // newest part in the spool
    std::vector<uint32_t> files;       // rank -> file (its index in names_)
    UnsentQueue unsent;                // new parts not carried by an acknowledged write, oldest first
    std::vector<std::pair<uint32_t, uint64_t>> excluded;  // (rank, line) left out of the text
    std::vector<std::pair<uint32_t, uint64_t>> excluded_files;  // (file, line) before the file got a rank
    size_t carried = 0;   // unsent parts the write in flight carries (0: no write in flight)
    size_t settled = 0;   // parts the target holds (committed before, or carried by an acknowledged write)
    uint32_t gen = 0;     // bumped when a write is taken: queue entries of an older gen are stale
    size_t probe = 0;     // after a refusal: the next write carries only this many (0: all)
    bool queued = false;  // in ready_ (an entry of its current gen)
    bool due = false;     // in due_ (likewise)
    bool held = false;
  };
  struct Event {
    std::string document_id;
    bool accepted;
    long status = 0;
    std::string message;
    int attempts = 0;
  };
  // A forgotten document's id as a DiskTable key: 96 bits (two ids meet with odds of about
  // n^2 / 2^97).
  static std::pair<uint64_t, uint32_t> hash_id(const std::string& id);
  // A forgotten document's record (take: and it is no longer forgotten).
  std::optional<DiskTable::Rec> find_idle(const std::string& id, bool take);
  // The document's Doc, made again from its Idle record if it was forgotten, or a new one.
  Doc& doc(const std::string& id);
  void maybe_forget(const std::string& id, Doc& d);
  uint32_t name_id(const std::string& file);
  // Copies every document's chain into a fresh spool once the dead records (chains compact()
  // replaced) are twice the live ones, so the spool stays within about three times the live.
  Status collect_spool();

  using Queue = std::deque<std::pair<std::string, uint32_t>>;  // (document, its gen when queued)
  void enqueue(const std::string& id, Doc& d);
  // The document a queue entry names, if the entry still stands for it; pops stale entries.
  Doc* front_of(Queue& q);
  uint32_t rank_of(Doc& d, const std::string& file);

  PartSpool spool_;
  const Target& target_;
  std::unordered_map<std::string, Doc> docs_;
  bool forget_idle_ = false;
  DiskTable idle_;  // forgotten documents, in a scratch file beside the spool (opened at the first)
  Status idle_error_ = ok_status();  // the first I/O error of idle_, returned by add() and take_writes()
  std::vector<std::string> names_;  // the files documents have parts in (Doc::files, idle records)
  std::unordered_map<std::string, uint32_t> name_ids_;
  uint64_t dead_bytes_ = 0;  // spool records no chain reaches any more
  uint64_t collect_from_ = 64ull << 20;
  Queue ready_;  // documents with parts to send and no write in flight, oldest first
  Queue due_;    // those of them whose new parts reached what the target holds of them
  uint64_t added_ = 0;  // parts added (the ordinal of the next)
  size_t unsent_total_ = 0;
  size_t in_flight_ = 0;
  std::vector<Part> parts_;  // reused by take_writes

  std::mutex mu_;  // guards events_; pairs with event_cv_
  std::condition_variable event_cv_;
  std::vector<Event> events_;
};

}  // namespace memconn
