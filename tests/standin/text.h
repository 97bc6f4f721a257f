// Text handling shared by the recall/query ranking of every stand-in kind.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace standin {

// Lower-cased runs of ASCII letters/digits (bytes >= 0x80 count as letters so UTF-8
// words stay whole). This is the "keyword overlap" the stand-ins rank by.
std::vector<std::string> word_tokens(std::string_view text);
// Number of distinct query tokens that also occur in the text.
size_t overlap(const std::vector<std::string>& query_tokens, std::string_view text);

bool is_blank(std::string_view s);
std::string strip(std::string_view s);
// Characters Hindsight's sanitize_text removes before hashing: [\x00-\x08\x0b\x0c\x0e-\x1f\x7f].
std::string remove_control_chars(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// Code points in UTF-8 text: what Python's len() and PostgreSQL's LENGTH() report.
size_t utf8_length(std::string_view s);
// The longest prefix of at most max_bytes that does not split a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, size_t max_bytes);

}  // namespace standin
