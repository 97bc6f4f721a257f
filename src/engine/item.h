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
  // Not the document's first part in this run: sent with update_mode "append".
  bool append = false;
  uint64_t part = 0;  // place in its document's queue (DocumentOrder), set when enqueued
  // For an append: length of the document's stored text before this part (stored_text()
  // units), to tell after a lost acknowledgement whether the part is already there.
  uint64_t doc_offset = 0;
  // An append that an interrupted earlier run may already have delivered: checked against
  // the server before it is sent.
  bool verify = false;
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
