#include "ingest/exports/turn_text.h"

#include <vector>

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
  std::string out;
  out.reserve(text.size());
  size_t blank_lines = 0;  // blank lines since the last line with text
  std::string line;
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
  for (size_t i = 0; i < text.size();) {
    if (size_t n = break_length(text, i)) {
      flush_line();
      i += n;
      continue;
    }
    auto c = static_cast<unsigned char>(text[i++]);
    if (is_dropped_control(c)) continue;
    if (out.empty() && line.empty() && (c == ' ' || c == '\t')) continue;  // the turn's leading blanks
    line += static_cast<char>(c);
  }
  flush_line();
  return out;
}

}  // namespace memconn
