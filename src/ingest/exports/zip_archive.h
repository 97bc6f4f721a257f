// A ZIP read as a stream of entries with libarchive (Debian's libarchive13), never unpacked
// to disk: an entry's data is a ByteSource the JSON splitter pulls through, so a 2 GB
// conversations.json inside a ZIP costs no more memory than one on disk.
//
// A truncated or corrupt archive is one line naming the file, the entry being read and the
// archive offset libarchive had reached ("export.zip: corrupt or truncated ZIP in entry
// conversations.json near offset 1048576: Truncated ZIP file data").
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "ingest/exports/byte_source.h"

struct archive;

namespace memconn {

struct ZipEntry {
  std::string path;   // as stored ("data-2026-batch-0000/conversations.json")
  int64_t size = -1;  // uncompressed bytes, -1 when the archive does not say
  bool is_file = false;  // false for directories, links and the like
};

class ZipArchive {
 public:
  static Result<std::unique_ptr<ZipArchive>> open(const std::string& path);
  // An archive already in memory (tests, fuzzers); `data` must outlive the reader.
  static Result<std::unique_ptr<ZipArchive>> open_memory(std::string_view data, std::string name);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // Moves to the next entry (skipping the rest of the current one). false after the last.
  Result<bool> next(ZipEntry& out);
  // The current entry's bytes; valid until the next call to next().
  ByteSource& data() { return entry_; }
  const std::string& name() const { return name_; }
  // True once the archive broke (truncated, corrupt): nothing more can be read from it.
  bool failed() const { return !failed_.empty(); }

 private:
  class EntrySource : public ByteSource {
   public:
    explicit EntrySource(ZipArchive& zip) : zip_(zip) {}
    Result<size_t> read(char* buf, size_t n) override;
    const std::string& name() const override { return name_; }
    std::string name_;

   private:
    ZipArchive& zip_;
  };
  ZipArchive(struct archive* a, std::string name);
  Error failure(const std::string& while_doing);

  struct archive* a_;
  std::string name_;
  std::string entry_path_;
  EntrySource entry_;
  std::string failed_;  // set once the archive is unusable: every later call returns it
};

}  // namespace memconn
