// A stream of bytes the export readers pull from: a file, one entry of a ZIP, or memory.
// The readers never see paths or archives, so the same JSON splitter serves a 2 GB
// conversations.json on disk, the same file inside a ZIP, and a fuzzer's input.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "base/result.h"

namespace memconn {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to n bytes into buf; 0 at the end. An Error is a one-line message naming the source
  // (and where in it, when known); the stream is unusable afterwards.
  virtual Result<size_t> read(char* buf, size_t n) = 0;
  // What error messages and positions call this stream ("export.zip:conversations.json").
  virtual const std::string& name() const = 0;
};

// Bytes already in memory (tests, fuzzers). Hands them out in chunks of at most `chunk`
// bytes so that tests can force every element boundary to fall across a read.
class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view data, std::string name = "memory", size_t chunk = SIZE_MAX)
      : data_(data), name_(std::move(name)), chunk_(chunk == 0 ? 1 : chunk) {}
  Result<size_t> read(char* buf, size_t n) override {
    size_t k = std::min({n, chunk_, data_.size() - pos_});
    if (k) std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string_view data_;
  std::string name_;
  size_t chunk_;
  size_t pos_ = 0;
};

}  // namespace memconn
