// Hindsight's MemoryItem as memconn writes it (../shared/specs/hindsight.md, Retain): one item's
// JSON, the fold of a document's parts into one item, and the text as the server stores it.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "engine/item.h"

namespace memconn {

// Serializes an item as a Hindsight MemoryItem (only schema fields, never empty optionals).
std::string encode_memory_item(const Item& item);
void append_memory_item(std::string& out, const Item& item);
// The MemoryItems of one request body: items that share an explicit document id become one
// item, their contents "\n"-joined in order (what the server's sync fold does, and the only
// way to carry them in one async request, which rejects a repeated id).
std::vector<std::string> fold_documents(const std::vector<const Item*>& items);
// The text as the server stores and hashes it: without the control characters
// [\x00-\x08\x0b\x0c\x0e-\x1f\x7f] it strips (hindsight.md, content identity).
std::string stored_text(std::string_view text);
}  // namespace memconn
