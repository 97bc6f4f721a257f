// Keeps the parts of one document in input order across workers: a part is sent only after
// every earlier part of its document has settled (acknowledged, dead-lettered or given up),
// so an append can never overtake the part it extends. Only explicit ids take part; a
// content-hash id has a single part.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/item.h"
#include "engine/run_control.h"

namespace memconn {

class DocumentOrder {
 public:
  // Reader thread, in the order batches are queued: gives each document of the batch its
  // place in line (items of one document in one batch share it).
  void enlist(Batch& batch);
  // Worker: blocks until it is these items' turn; false if the run stopped meanwhile.
  bool wait_turn(const std::vector<const Item*>& items, const RunControl& control);
  // Worker: these items are settled, whatever the outcome; the next parts may go.
  void settled(const std::vector<const Item*>& items);
  // Documents with parts in flight or queued (for tests).
  size_t open() const;
  // Worker: the server holds more of this document than the parts checked so far (an
  // interrupted run sent parts beyond its commit point), so its next part is checked too;
  // or, doubtful = false, the server was found exactly where memconn is.
  void set_doubtful(const std::string& document_id, bool doubtful);
  bool doubtful(const std::string& document_id) const;

 private:
  struct Turns {
    uint64_t next = 0;    // place the next enlisted part gets
    uint64_t served = 0;  // parts settled so far
  };
  mutable std::mutex mu_;  // guards docs_
  std::condition_variable cv_;
  // Entries exist only while a document has parts queued or in flight, so memory follows
  // the queue, not the number of documents.
  std::unordered_map<std::string, Turns> docs_;
  std::unordered_set<std::string> doubtful_;  // guarded by mu_; only documents found ahead of memconn
};

}  // namespace memconn
