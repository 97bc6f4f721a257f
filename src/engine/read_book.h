// The reader's account to the ledger, settled in bulk: the items read since the last
// settlement and how far the input was read. Bulk, so the reader rarely takes the ledger's
// lock; ordered, so the position it hands over never covers an item not yet registered as
// pending (a kill -9 between the two would otherwise commit past a line never sent).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/ledger.h"

namespace memconn {

class ReadBook {
 public:
  // keep_bodies: the source cannot be read again (a pipe): bodies go to the ledger, which
  // dead-letters the unacknowledged ones if the run stops early.
  ReadBook(Ledger& ledger, uint32_t source, uint64_t offset, uint64_t line, bool keep_bodies, size_t every = 256);
  // Input up to end_offset (line last_line) was read. What came before it is published
  // first when due: this block's item, if any, is added after this call.
  void read(uint64_t end_offset, uint64_t last_line);
  // The item of the block just read (part: it is a part of a document).
  void add(const Origin& origin, const std::string& body, bool part = false);
  // Hands everything over now (before a batch goes to the workers, and at the end).
  void publish();

 private:
  Ledger& ledger_;
  uint32_t source_;
  bool keep_bodies_;
  size_t every_;
  std::vector<Origin> pending_;
  std::vector<std::string> bodies_;
  std::vector<uint8_t> parts_;  // with bodies_: which are parts of a document
  uint64_t read_offset_, read_line_;  // how far the input was read (its last block's item may follow)
  uint64_t bytes_ = 0;
  size_t since_publish_ = 0;
};

}  // namespace memconn
