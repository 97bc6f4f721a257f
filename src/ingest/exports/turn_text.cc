#include "ingest/exports/turn_text.h"

#include <array>

namespace memconn {

namespace {

// Length of the line break starting at s[i], 0 if none.
size_t break_length(std::string_view s, size_t i) {
  char c = s[i];
  if (c == '\n') return 1;
  if (c == '\r') return i + 1 < s.size() && s[i + 1] == '\n' ? 2 : 1;
  auto at = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  if (at(0) == 0xC2 && at(1) == 0x85) return 2;                                    // U+0085
  if (at(0) == 0xE2 && at(1) == 0x80 && (at(2) == 0xA8 || at(2) == 0xA9)) return 3;  // U+2028/9
  return 0;
}

bool is_dropped_control(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

}  // namespace

std::string flatten_turn_text(std::string_view text) {
  // Bytes that may start a line break or a dropped control character: everything else is
  // copied in runs (the common case is a long run of ordinary text).
  static const auto special = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = true;
    t[0x7f] = t[0xC2] = t[0xE2] = true;
    return t;
  }();
  std::string out;
  out.reserve(text.size());
  std::string line;
  size_t blank_lines = 0;  // blank lines since the last line with text
  auto flush_line = [&] {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.empty()) {
      ++blank_lines;
      return;
    }
    if (!out.empty()) out += blank_lines > 0 ? "\\n\\n" : "\\n";
    out += line;
    line.clear();
    blank_lines = 0;
  };
  // Appends text[from, to), dropping the turn's leading blanks.
  auto take = [&](size_t from, size_t to) {
    if (out.empty() && line.empty())
      while (from < to && (text[from] == ' ' || text[from] == '\t')) ++from;
    line.append(text.data() + from, to - from);
  };
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && !special[static_cast<unsigned char>(text[j])]) ++j;
    take(i, j);
    if (j == n) break;
    if (size_t b = break_length(text, j)) {
      flush_line();
      i = j + b;
    } else {
      if (!is_dropped_control(static_cast<unsigned char>(text[j]))) take(j, j + 1);
      i = j + 1;
    }
  }
  flush_line();
  return out;
}

}  // namespace memconn
