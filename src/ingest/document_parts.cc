#include "ingest/document_parts.h"

#include "base/digest.h"
#include "targets/hindsight/memory_item.h"

namespace memconn {

bool DocumentParts::mark(Item& item) {
  if (!item.explicit_id) return true;
  uint64_t added = stored_text(item.content).size();
  auto [pos, fresh] = length_.emplace(fingerprint64(sha256(item.document_id)), added);
  if (fresh) return true;
  item.doc_offset = pos->second;
  pos->second += 1 + added;  // parts are "\n"-joined
  item.append = true;
  item.json = encode_memory_item(item);
  return false;
}

}  // namespace memconn
