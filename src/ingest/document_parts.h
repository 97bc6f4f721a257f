// Which items of a run continue a document begun earlier in it (the reader's side of
// documents; engine/document_order.h keeps their parts in order across workers).
#pragma once
#include <cstdint>
#include <unordered_map>

#include "engine/item.h"

namespace memconn {

// Reader side: which items continue a document begun earlier in this run. The first part
// of a document replaces what the server had (a re-run updates, never doubles); every later
// part is an append that records how long the document's text is before it. Remembers 16
// bytes per explicit id (a SHA-256 prefix and a length; a collision would need 2^32
// documents to become likely).
class DocumentParts {
 public:
  // Marks item as an append (re-encoding it) when its document was begun before; returns
  // true if this is a document's first part.
  bool mark(Item& item);
  size_t documents() const { return length_.size(); }

 private:
  std::unordered_map<uint64_t, uint64_t> length_;  // document -> stored length of its text so far
};

}  // namespace memconn
