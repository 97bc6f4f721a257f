// Identifiers and content digests the real servers derive: UUIDs (Hindsight operation
// and document ids), SHA-256 content_hash (Hindsight), md5 doc ids (LightRAG).
#pragma once

#include <string>
#include <string_view>

namespace standin {

std::string new_uuid();  // random v4, lower-case, hyphenated
// Accepts what Python's uuid.UUID(str) accepts in practice: 32 hex digits, optionally
// hyphenated 8-4-4-4-12, optionally wrapped in braces or prefixed by "urn:uuid:".
bool is_uuid(std::string_view s);
std::string random_hex(size_t n_chars);

std::string sha256_hex(std::string_view data);
std::string md5_hex(std::string_view data);

}  // namespace standin
