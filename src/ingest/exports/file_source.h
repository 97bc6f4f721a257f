// A file as a ByteSource: read(2) in the caller's chunks, nothing mapped or buffered here
// (the JSON splitter owns the buffer), so a 2 GB conversations.json costs no more memory
// than a small one.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "ingest/exports/byte_source.h"

namespace memconn {

class FileSource : public ByteSource {
 public:
  // Opens path (error: "<path>: <strerror>") and positions it at start_offset.
  static Result<std::unique_ptr<FileSource>> open(const std::string& path, uint64_t start_offset = 0);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  Result<size_t> read(char* buf, size_t n) override;
  const std::string& name() const override { return name_; }
  // Bytes in the file when it was opened (for progress).
  uint64_t size() const { return size_; }

 private:
  FileSource(int fd, std::string name, uint64_t size) : fd_(fd), name_(std::move(name)), size_(size) {}
  int fd_;
  std::string name_;
  uint64_t size_;
};

}  // namespace memconn
