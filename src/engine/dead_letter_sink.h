// Where the ledger puts an item that failed for good. The core only knows this interface;
// the durable file behind it (state/dead_letter.h) is handed in by the command that runs.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"

namespace memconn {

struct DeadLetter {
  std::string time;         // ISO-8601 UTC when it was written
  std::string source;       // path, "stdin" or "connector:<name>"
  uint64_t line = 0;
  std::string document_id;
  std::string item_json;    // the item as it would be sent (or {"raw": line} when unparseable)
  long http_status = 0;     // 0 = not an HTTP failure (bad input, transport)
  std::string error;
  int attempts = 0;
  std::string connector;    // empty for plain ingest
  std::string target;       // where it was going: the target's label (targets/target.h), no credentials
  // A part of a document (an item with its own id): item_json holds only this part, and
  // re-sending it alone would replace the document's text with it. `dlq retry` sends the
  // document whole again instead, with this part back in (ingest/dlq_retry).
  bool document_part = false;
};

class DeadLetterSink {
 public:
  virtual ~DeadLetterSink() = default;
  // Called from worker threads; an implementation must be thread-safe.
  virtual Status append(const DeadLetter& d) = 0;
};

// Keeps dead letters in memory: for tests and dry runs, where nothing may touch the disk.
class MemoryDeadLetters : public DeadLetterSink {
 public:
  Status append(const DeadLetter& d) override {
    std::lock_guard<std::mutex> lock(mu_);
    letters_.push_back(d);
    return ok_status();
  }
  std::vector<DeadLetter> letters() const {
    std::lock_guard<std::mutex> lock(mu_);
    return letters_;
  }

 private:
  mutable std::mutex mu_;  // guards letters_ (workers append concurrently)
  std::vector<DeadLetter> letters_;
};

}  // namespace memconn
