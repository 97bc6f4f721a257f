// A .json file holding an array (of objects, usually) read element by element, the way a
// JSONL file is read line by line: each element's bytes go to the JSONL item parser
// (ingest/item_parser, with --map and --template) as a line's would. A pretty-printed
// array is therefore many records, never one memory per line of JSON text.
//
// Positions map onto an Item's Origin as: line = index + 1, start_offset = offset,
// end_offset = end_offset. A run that committed up to an element's end_offset resumes with
// open(path, end_offset, index + 1) and reads on from the next element.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "ingest/exports/file_source.h"
#include "ingest/exports/json_array.h"

namespace memconn {

class JsonArrayFile {
 public:
  // Error: the file cannot be opened. A file that is not an array is an Error of next().
  static Result<std::unique_ptr<JsonArrayFile>> open(const std::string& path, uint64_t resume_offset = 0,
                                                     uint64_t next_index = 0);
  // The next element; false after the last. Error: one line naming the file and offset
  // (not an array, truncated, a stray character); the file is done after it.
  Result<bool> next(JsonElement& out) { return splitter_.next(out); }
  uint64_t size() const { return file_->size(); }      // bytes, for progress
  uint64_t offset() const { return splitter_.offset(); }  // consumed so far

 private:
  JsonArrayFile(std::unique_ptr<FileSource> file, SplitterOptions options)
      : file_(std::move(file)), splitter_(*file_, options) {}
  std::unique_ptr<FileSource> file_;
  JsonArraySplitter splitter_;
};

}  // namespace memconn
