// Turns input lines into Items: plain lines or JSONL objects, plus the per-run tags and
// context, origin metadata, a stable document id and the item as the target receives it
// (Target::encode).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/field_map.h"
#include "engine/item.h"
#include "targets/target.h"

namespace simdjson::dom {
class element;
}

namespace memconn {

enum class Format { Lines, Jsonl };

struct ParseOptions {
  std::vector<std::string> tags;  // added to every item
  std::string context;            // used when the item has none
  std::string source_name;        // "stdin" or the path as given; stored in metadata.source
  // Every item's document id when set (--unit file: the file is one document, its lines parts).
  std::string document_id;
  // --map / --template for JSONL exports of other tools; null or empty = the standard fields.
  std::shared_ptr<const FieldMap> map;
  // Gives each item the target's document key and encodes item.json; null: items are not
  // encoded (verify and tests need only their ids and contents).
  const Target* target = nullptr;
};

enum class ParseStatus { Item, Blank, Invalid };

struct ParseResult {
  ParseStatus status = ParseStatus::Blank;
  std::string error;        // for Invalid: what is wrong, without file:line (the caller adds it)
  bool repaired_utf8 = false;  // invalid UTF-8 was replaced with U+FFFD
};

class ItemParser {
 public:
  ItemParser(Format format, ParseOptions options);
  ~ItemParser();
  ParseResult parse(std::string_view line, const Origin& origin, Item& out);
  // Called with each item's fingerprint as soon as it is known, before the item is
  // serialized: the caller can start fetching what it will look the fingerprint up in.
  void on_fingerprint(std::function<void(uint64_t)> hook) { on_fingerprint_ = std::move(hook); }

 private:
  ParseResult parse_jsonl(std::string_view line, Item& out);
  ParseResult parse_mapped(const simdjson::dom::element& doc, Item& out);
  void finish(Item& out, const Origin& origin);
  Format format_;
  ParseOptions options_;
  struct Json;
  std::unique_ptr<Json> json_;
  std::function<void(uint64_t)> on_fingerprint_;
};

// Format chosen from a path's extension: .jsonl/.ndjson are JSONL, everything else lines.
Format format_for_path(std::string_view path);

}  // namespace memconn
