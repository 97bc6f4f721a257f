#include "ingest/exports/json_array_file.h"

namespace memconn {

Result<std::unique_ptr<JsonArrayFile>> JsonArrayFile::open(const std::string& path, uint64_t resume_offset,
                                                           uint64_t next_index) {
  auto file = FileSource::open(path, resume_offset);
  if (!file) return file.error();
  SplitterOptions o;
  if (resume_offset > 0) {
    o.resume = true;
    o.start_offset = resume_offset;
    o.first_index = next_index;
  }
  return std::unique_ptr<JsonArrayFile>(new JsonArrayFile(std::move(*file), o));
}

}  // namespace memconn
