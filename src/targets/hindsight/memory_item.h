// Hindsight's MemoryItem as memconn writes it (../shared/specs/hindsight.md, Retain): one item's
// JSON, only schema fields, never empty optionals.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "engine/item.h"

namespace memconn {

// Serializes an item as a Hindsight MemoryItem (only schema fields, never empty optionals).
std::string encode_memory_item(const Item& item);
void append_memory_item(std::string& out, const Item& item);
}  // namespace memconn
