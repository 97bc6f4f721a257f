// One memory on its way to a server, and the batches that carry them.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace memconn {

// Where an item came from; kept with it so dead letters and watermarks can point back.
struct Origin {
  uint32_t source = 0;     // index into the run's source table
  uint64_t line = 0;       // 1-based line number in that source
  uint64_t start_offset = 0;  // byte offset where this line starts
  uint64_t end_offset = 0;    // byte offset just past this line
  uint64_t seq = 0;        // ordinal of the item within its source, for the commit watermark
};

struct Item {
  std::string content;
  std::string context;    // empty = none
  std::string timestamp;  // empty = none
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::string document_id;
  // The id came from the input (JSONL field, --unit file path), so items sharing it are parts
  // of one document; a content-hash id is unique per text and never has parts.
  bool explicit_id = false;
  // A write of a whole document (ingest/documents.h): content is the text of every part the
  // document has so far, and `settles` lists the parts this write is the first to carry (the
  // ledger settles those, not `origin`). Re-sending it changes nothing on the server: a write
  // of a document is always a replace of its whole text.
  bool document_write = false;
  std::vector<Origin> settles;
  uint64_t fingerprint = 0;  // content+id identity for in-run duplicate detection
  Origin origin;
  std::string json;      // the item serialized for the target, built once in the reader thread
  std::string raw_line;  // the input line as read, kept only for items that could not be parsed
};

struct Batch {
  std::vector<Item> items;
  size_t bytes = 0;  // sum of items' serialized sizes
};

}  // namespace memconn
