#include "ingest/exports/json_array.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace memconn {

namespace {

bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// How a byte reads in an error message: printable ASCII as itself, anything else as hex.
std::string shown(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  static const char* hex = "0123456789abcdef";
  return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
}

}  // namespace

JsonArraySplitter::JsonArraySplitter(ByteSource& in, SplitterOptions options)
    : in_(in), opt_(options), state_(options.resume ? State::AfterValue : State::Start),
      base_(options.start_offset), index_(options.first_index), is_array_(options.resume) {
  if (opt_.read_chunk == 0) opt_.read_chunk = 1;
}

Error JsonArraySplitter::fail(const std::string& what) {
  state_ = State::Failed;
  failure_ = in_.name() + ": " + what;
  return Error{failure_};
}

Error JsonArraySplitter::too_large() {
  return fail("element " + std::to_string(index_) + " (from offset " + std::to_string(elem_offset_) +
              ") is larger than " + std::to_string(opt_.max_element_bytes) + " bytes");
}

Result<bool> JsonArraySplitter::fill(size_t keep_from) {
  if (eof_) return false;
  if (keep_from > 0) {
    std::memmove(buf_.data(), buf_.data() + keep_from, end_ - keep_from);
    base_ += keep_from;
    pos_ -= keep_from;
    end_ -= keep_from;
    if (in_element_) elem_ -= keep_from;
  }
  size_t want = end_ + opt_.read_chunk + kPadding;
  if (!buf_.reserve(want))
    return fail("out of memory at offset " + std::to_string(base_ + end_) + " holding " +
                std::to_string(end_) + " bytes of element " + std::to_string(index_));
  auto got = in_.read(buf_.data() + end_, opt_.read_chunk);
  if (!got) {
    state_ = State::Failed;
    failure_ = got.error().message;
    return got.error();
  }
  if (*got == 0) {
    eof_ = true;
    return false;
  }
  end_ += *got;
  // simdjson reads the padding after an element (it never uses it): keep it defined.
  std::memset(buf_.data() + end_, 0, kPadding);
  return true;
}

JsonArraySplitter::Buffer::~Buffer() { std::free(p); }

bool JsonArraySplitter::Buffer::reserve(size_t want) {
  if (cap >= want) return true;
  size_t grown = std::max(want, cap + cap / 2);
  void* q = std::realloc(p, grown);
  if (!q) return false;
  p = static_cast<char*>(q);
  cap = grown;
  return true;
}

char JsonArraySplitter::peek_non_ws() {
  while (pos_ < end_ && is_ws(buf_[pos_])) ++pos_;
  return pos_ < end_ ? buf_[pos_] : '\0';
}

Result<bool> JsonArraySplitter::start_value() {
  char c = buf_[pos_];
  in_element_ = true;
  elem_ = pos_;
  elem_offset_ = base_ + pos_;
  stack_.clear();
  in_string_ = escape_ = scalar_ = false;
  if (c == '{' || c == '[') {
    stack_.push_back(c);
  } else if (c == '"') {
    in_string_ = true;
  } else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
    scalar_ = true;
  } else {
    return fail("unexpected " + shown(c) + " at offset " + std::to_string(base_ + pos_) +
                (is_array_ ? " where element " + std::to_string(index_) + " should start" : ""));
  }
  ++pos_;
  return true;
}

Result<bool> JsonArraySplitter::scan_value() {
  const char* b = buf_.data();
  size_t quote = SIZE_MAX;  // the next '"' at or after pos_ (end_: none in the buffer)
  while (pos_ < end_) {
    if (in_string_) {
      if (escape_) {
        escape_ = false;
        ++pos_;
        continue;
      }
      // The inner loop of the whole reader: most of an export is string bytes. memchr finds
      // the closing quote; only a backslash before it needs a closer look.
      // The quote found is kept while it lies ahead, so a string dense with escapes is not
      // searched again to its end after each one.
      if (quote == SIZE_MAX || quote < pos_) {
        const void* q = std::memchr(b + pos_, '"', end_ - pos_);
        quote = q ? static_cast<size_t>(static_cast<const char*>(q) - b) : end_;
      }
      const void* esc = std::memchr(b + pos_, '\\', quote - pos_);
      size_t p = esc ? static_cast<size_t>(static_cast<const char*>(esc) - b) : quote;
      pos_ = p;
      if (p == end_) break;
      ++pos_;
      if (b[p] == '\\') {
        escape_ = true;
        continue;
      }
      in_string_ = false;
      if (stack_.empty()) return true;  // the element was a string
      continue;
    }
    char c = b[pos_];
    if (scalar_) {
      if (is_ws(c) || c == ',' || c == ']' || c == '}') return true;
      ++pos_;
      continue;
    }
    switch (c) {
      case '"':
        in_string_ = true;
        break;
      case '{':
      case '[':
        if (stack_.size() >= opt_.max_depth)
          return fail("nesting deeper than " + std::to_string(opt_.max_depth) + " levels at offset " +
                      std::to_string(base_ + pos_) + " in element " + std::to_string(index_));
        stack_.push_back(c);
        break;
      case '}':
      case ']':
        if (stack_.back() != (c == '}' ? '{' : '['))
          return fail("mismatched " + shown(c) + " at offset " + std::to_string(base_ + pos_) + " in element " +
                      std::to_string(index_) + " (from offset " + std::to_string(elem_offset_) + ")");
        stack_.pop_back();
        if (stack_.empty()) {
          ++pos_;
          return true;
        }
        break;
      default:
        break;
    }
    ++pos_;
  }
  if (opt_.max_element_bytes && pos_ - elem_ > opt_.max_element_bytes) return too_large();
  return false;
}

Result<bool> JsonArraySplitter::next(JsonElement& out) {
  for (;;) {
    switch (state_) {
      case State::Failed:
        return Error{failure_};
      case State::Start:
      case State::FirstValue:
      case State::NextValue:
      case State::AfterValue:
      case State::Done: {
        // A UTF-8 byte order mark may precede the document (Windows editors write one).
        if (state_ == State::Start && base_ + pos_ == 0) {
          if (end_ < 3 && !eof_) {
            auto more = fill(0);
            if (!more) return more.error();
            if (*more) continue;
          }
          if (end_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
        }
        char c = peek_non_ws();
        if (pos_ == end_) {
          auto more = fill(pos_);
          if (!more) return more.error();
          if (*more) continue;
          // End of input.
          std::string at = " at offset " + std::to_string(base_ + pos_);
          switch (state_) {
            case State::Done:
              return false;
            case State::Start:
              return fail("empty input" + at + " (expected a JSON array)");
            case State::AfterValue:
              return fail("truncated" + at + ": the array is not closed after element " + std::to_string(index_ ? index_ - 1 : 0));
            default:
              return fail("truncated" + at + ": the array is not closed");
          }
        }
        if (state_ == State::Done)
          return fail("unexpected " + shown(c) + " at offset " + std::to_string(base_ + pos_) + " after the end of the " +
                      (is_array_ ? "array" : "value"));
        if (state_ == State::Start) {
          if (c == '[') {
            is_array_ = true;
            ++pos_;
            state_ = State::FirstValue;
            continue;
          }
          if (!opt_.single_value)
            return fail("not a JSON array: the top level starts with " + shown(c) + " at offset " +
                        std::to_string(base_ + pos_));
        } else if (state_ == State::AfterValue) {
          if (c == ',') {
            ++pos_;
            state_ = State::NextValue;
            continue;
          }
          if (c == ']') {
            ++pos_;
            state_ = State::Done;
            continue;
          }
          return fail("expected ',' or ']' after element " + std::to_string(index_ ? index_ - 1 : 0) + " at offset " +
                      std::to_string(base_ + pos_) + ", found " + shown(c));
        } else if (c == ']') {
          if (state_ == State::NextValue)
            return fail("a ',' before ']' at offset " + std::to_string(base_ + pos_) + " (trailing comma)");
          ++pos_;
          state_ = State::Done;
          continue;
        }
        auto started = start_value();
        if (!started) return started.error();
        state_ = State::Value;
        continue;
      }
      case State::Value: {
        auto done = scan_value();
        if (!done) return done.error();
        if (!*done) {
          auto more = fill(elem_);
          if (!more) return more.error();
          if (!*more) {
            // A bare number or literal ends with the input only when it is the whole document.
            if (!(scalar_ && !is_array_))
              return fail("truncated at offset " + std::to_string(base_ + end_) + ": element " +
                          std::to_string(index_) + " (from offset " + std::to_string(elem_offset_) +
                          ") is not complete");
          } else {
            continue;
          }
        }
        if (opt_.max_element_bytes && pos_ - elem_ > opt_.max_element_bytes) return too_large();
        in_element_ = false;
        out.bytes = std::string_view(buf_.data() + elem_, pos_ - elem_);
        out.index = index_++;
        out.offset = elem_offset_;
        out.end_offset = base_ + pos_;
        state_ = is_array_ ? State::AfterValue : State::Done;
        return true;
      }
    }
  }
}

}  // namespace memconn
