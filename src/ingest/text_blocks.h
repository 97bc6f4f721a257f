// The unit a plain-text item is made of: a line, or a paragraph (lines up to a blank line).
// Both ingest and the commands that re-read inputs (dry run, verify) cut text the same way,
// so an item's id and its place in the file (what resume and settled lines refer to) agree.
#pragma once
#include <memory>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "ingest/line_reader.h"

#include "ingest/exports/json_array.h"

namespace memconn {

// JsonElement: the elements of a top-level JSON array (a .json file of records), each one
// block whatever lines it spans; "line" numbers are element numbers (1-based).
enum class TextUnit { Line, Paragraph, JsonElement };

struct Block {
  std::string_view text;  // the line, or the paragraph's lines joined by "\n"; valid until next()
  uint64_t first_line = 0;    // 1-based; a paragraph's first line (what resume and metadata name)
  uint64_t last_line = 0;     // the last line consumed, a paragraph's closing blank line included
  uint64_t start_offset = 0;  // where first_line starts
  uint64_t end_offset = 0;    // just past last_line
  bool blank = false;         // Line unit only: a blank line (it still moves the read position)
  // A line in it was longer than max_line: text holds only the start (see LineReader), length
  // the longest such line's length. Never an item: it goes to the dead-letter file unread.
  bool oversized = false;
  uint64_t length = 0;
};

class BlockReader {
 public:
  // hold_unterminated: a last line without a newline is not returned (see held_back()): a
  // writer may be in the middle of it (--finished says the input is complete). For
  // paragraphs, a last paragraph not closed by a blank line is held back too while the file
  // changed in the last two seconds (a transcript being written goes on with it); left alone
  // longer, it counts as finished.
  BlockReader(int fd, TextUnit unit, uint64_t start_offset, uint64_t first_line, bool hold_unterminated,
              uint64_t max_line = 0);
  bool next(Block& block);
  const std::string& error() const { return element_error_.empty() ? lines_.error() : element_error_; }
  // See LineReader::stop_when (pipes that stay silent).
  void stop_when(std::function<bool()> stop) { lines_.stop_when(std::move(stop)); }
  bool stopped() const { return lines_.stopped(); }
  // The input ended with an unfinished line or paragraph: it was left for the next run.
  bool held_back() const { return held_back_; }
  uint64_t held_line() const { return held_line_; }  // the held line, or the held paragraph's first

 private:
  bool being_written() const;
  int fd_;
  TextUnit unit_;
  bool hold_unterminated_;
  LineReader lines_;
  uint64_t offset_;   // where the next unread line starts
  std::string text_;  // the current paragraph
  bool held_back_ = false;
  uint64_t held_line_ = 0;
  // JsonElement: the array read from the fd, element by element.
  std::unique_ptr<ByteSource> element_source_;
  std::unique_ptr<JsonArraySplitter> elements_;
  std::string element_error_;
};

// True when the file's first byte that is not whitespace (or a UTF-8 BOM) is '[': a JSON
// array, read element by element (TextUnit::JsonElement) rather than line by line.
bool starts_json_array(int fd);

// True for a line of spaces and tabs only (such a line ends a paragraph and is never an item).
bool is_blank_line(std::string_view s);

// Whether a run may go on reading at offset, where an earlier run stopped: not when that run
// took an unterminated last line as finished (or, for paragraphs, a last paragraph not closed
// by a blank line) and the file has since grown into it: the line or paragraph changed, and
// only a fresh start sends it whole.
bool resumes_cleanly(int fd, TextUnit unit, uint64_t offset);

}  // namespace memconn
