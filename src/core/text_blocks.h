// The unit a plain-text item is made of: a line, or a paragraph (lines up to a blank line).
// Both ingest and the commands that re-read inputs (dry run, verify) cut text the same way,
// so an item's id and its place in the file (what resume and settled lines refer to) agree.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/line_reader.h"

namespace memconn {

enum class TextUnit { Line, Paragraph };

struct Block {
  std::string_view text;  // the line, or the paragraph's lines joined by "\n"; valid until next()
  uint64_t first_line = 0;    // 1-based; a paragraph's first line (what resume and metadata name)
  uint64_t last_line = 0;     // the last line consumed, a paragraph's closing blank line included
  uint64_t start_offset = 0;  // where first_line starts
  uint64_t end_offset = 0;    // just past last_line
  bool blank = false;         // Line unit only: a blank line (it still moves the read position)
};

class BlockReader {
 public:
  // hold_fresh_tail: in a file modified in the last two seconds, a last line without a
  // newline, and a last paragraph not closed by a blank line, are taken as still being
  // written and are not returned (see held_back()); in a file left alone longer they count
  // as finished.
  BlockReader(int fd, TextUnit unit, uint64_t start_offset, uint64_t first_line, bool hold_fresh_tail);
  bool next(Block& block);
  const std::string& error() const { return lines_.error(); }
  // The input ended with an unfinished line or paragraph: it was left for the next run.
  bool held_back() const { return held_back_; }

 private:
  bool being_written() const;
  int fd_;
  TextUnit unit_;
  bool hold_fresh_tail_;
  LineReader lines_;
  uint64_t offset_;   // where the next unread line starts
  std::string text_;  // the current paragraph
  bool held_back_ = false;
};

// True for a line of spaces and tabs only (such a line ends a paragraph and is never an item).
bool is_blank_line(std::string_view s);

// Whether a run may go on reading at offset, where an earlier run stopped: not when that run
// took an unterminated last line as finished (or, for paragraphs, a last paragraph not closed
// by a blank line) and the file has since grown into it: the line or paragraph changed, and
// only a fresh start sends it whole.
bool resumes_cleanly(int fd, TextUnit unit, uint64_t offset);

}  // namespace memconn
