// Splits a top-level JSON array arriving as a byte stream into its elements, one at a time,
// without parsing them: a 2 GB conversations.json costs one element's bytes plus one read
// chunk of memory, and each element can then be parsed on its own (simdjson DOM).
//
// The splitter follows strings (with escapes) and bracket nesting exactly, so an element ends
// where JSON says it does whatever its strings hold; it does not validate what is between the
// brackets (numbers, literals, key/value syntax): the element's parser does that and can fail
// one element without losing the rest. What the splitter does refuse, naming the stream and
// the byte offset: a top level that is not an array, a mismatched bracket, a stray character
// between elements, and an input that ends before the array is closed (a truncated download).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ingest/exports/byte_source.h"

namespace memconn {

struct JsonElement {
  // The element's bytes without surrounding whitespace; valid until the next call to next().
  // At least JsonArraySplitter::kPadding readable bytes follow them in memory, so simdjson
  // can parse them in place (simdjson::padded_string_view) instead of copying.
  std::string_view bytes;
  uint64_t index = 0;       // 0-based position in the array
  uint64_t offset = 0;      // stream offset of its first byte
  uint64_t end_offset = 0;  // stream offset just past its last byte
};

struct SplitterOptions {
  // Resuming inside an array: the stream's first byte is at start_offset, just after an
  // element that an earlier run finished (so a ',' or the closing ']' comes next), and the
  // next element's index is first_index. The caller positions the stream there.
  bool resume = false;
  uint64_t start_offset = 0;
  uint64_t first_index = 0;
  // A top level that is not an array is one element (index 0) instead of an error: a file
  // holding a single conversation object.
  bool single_value = false;
  // An element larger than this is an error naming it (0 = no limit): a bound on memory for
  // callers that read untrusted input they cannot afford to hold whole.
  size_t max_element_bytes = 0;
  // Deeper nesting is an error; simdjson's DOM parser refuses more than 1024 levels anyway.
  size_t max_depth = 1024;
  size_t read_chunk = 1 << 20;  // bytes asked of the stream per read
};

class JsonArraySplitter {
 public:
  static constexpr size_t kPadding = 64;  // simdjson::SIMDJSON_PADDING
  explicit JsonArraySplitter(ByteSource& in, SplitterOptions options = {});
  // true: `out` is the next element. false: the array is complete and nothing but
  // whitespace follows it. Error: the input is not a well-formed array (one line naming the
  // stream and offset); the splitter stays failed.
  Result<bool> next(JsonElement& out);
  // True once the top level turned out to be an array (false for a single value).
  bool top_level_is_array() const { return is_array_; }
  // Stream offset up to which the input has been consumed.
  uint64_t offset() const { return base_ + pos_; }

 private:
  // Start: before the top level; FirstValue: after '['; NextValue: after ','; Value: inside
  // an element; AfterValue: after an element; Done: after the array (only whitespace may follow).
  enum class State { Start, FirstValue, NextValue, Value, AfterValue, Done, Failed };
  Error fail(const std::string& what);
  Error too_large();
  // Reads more input, keeping buf_[keep_from, end_) (compacted to the front). False at EOF.
  Result<bool> fill(size_t keep_from);
  // Scans the element starting at buf_[elem_]: true once it is complete (pos_ past it).
  // false: more input needed.
  Result<bool> scan_value();
  Result<bool> start_value();  // at buf_[pos_], the element's first byte
  char peek_non_ws();  // skips whitespace at pos_; '\0' when the buffer is exhausted

  ByteSource& in_;
  SplitterOptions opt_;
  State state_;
  // malloc'd and grown by half with realloc, which moves a large block by remapping it rather
  // than copying it beside itself: holding a 40 MB element costs about 40 MB, not 100.
  struct Buffer {
    char* p = nullptr;
    size_t cap = 0;
    Buffer() = default;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer();
    char* data() { return p; }
    size_t size() const { return cap; }
    char& operator[](size_t i) { return p[i]; }
    bool reserve(size_t want);  // false: out of memory
  };
  Buffer buf_;
  size_t pos_ = 0, end_ = 0;  // unread data is buf_[pos_, end_)
  uint64_t base_;             // stream offset of buf_[0]
  uint64_t index_;
  bool is_array_ = false;
  bool eof_ = false;
  // The element being scanned.
  bool in_element_ = false;
  size_t elem_ = 0;             // its start in buf_
  uint64_t elem_offset_ = 0;    // and in the stream
  std::vector<char> stack_;     // open '{' / '['
  bool in_string_ = false, escape_ = false, scalar_ = false;
  std::string failure_;  // once failed, every later call returns it again
};

}  // namespace memconn
