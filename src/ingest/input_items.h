// Every item the inputs hold, read and parsed exactly as ingest reads them: the same format
// choice, binary-file check, line reader, parser (tags, context, document ids) and --shard
// filter. For commands that need the items but not resume or sending: dry run and verify.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "ingest/input_set.h"
#include "ingest/item_parser.h"
#include "base/result.h"
#include "ingest/shard.h"
#include "ingest/text_blocks.h"

namespace memconn {

// "auto" | "lines" | "jsonl"; auto picks by the path's extension (stdin is lines).
Result<Format> pick_format(const std::string& format, const std::string& path);
// Why a file whose first bytes are head is not UTF-8 text, as the one line shown for it:
// UTF-16 (a byte-order mark, or ASCII with every other byte NUL) with the iconv command that
// converts it, or binary (a NUL byte); nullopt for text. display names the file.
std::optional<std::string> not_text_reason(std::string_view head, const std::string& display);
// not_text_reason for the first 8 KiB of fd (read with pread: the offset is untouched).
std::optional<std::string> not_text_file(int fd, const std::string& display);
// The hint added to a file's first "invalid UTF-8 replaced" warning: a text file that is not
// UTF-8 is most often Latin-1, and iconv turns it into UTF-8 before anything is altered.
std::string latin1_hint(const std::string& display, bool is_stdin);

// What an item is made of. line: each line (or JSONL object); paragraph: lines up to a blank
// line; file: each line, all of them parts of one document named after the file.
struct UnitChoice {
  TextUnit text = TextUnit::Line;
  bool whole_file = false;
};
// "line" | "paragraph" | "file"; a paragraph needs plain text (errors name the path).
Result<UnitChoice> pick_unit(const std::string& unit, Format format, const std::string& display);

// A regular file read as JSONL whose content is a JSON array: its elements are the records
// (unit becomes TextUnit::JsonElement); other --unit values do not apply (an Error).
Status json_array_unit(int fd, bool regular, Format format, const std::string& unit_flag, const std::string& display,
                       UnitChoice& unit);

struct ItemReadOptions {
  std::string format = "auto";
  std::vector<std::string> tags;
  std::string context;
  std::optional<Shard> shard;
  // A regular file's last line without a newline is not an item yet (ingest holds it back
  // until its writer finishes it; --finished says the files are complete). With --unit
  // paragraph, nor is a last paragraph not closed by a blank line in a file changed moments ago.
  bool hold_unterminated = false;
  std::string unit = "line";
  std::string id_prefix;  // --unit file: the document id is id_prefix + the file's relative path (else its canonical path)
  std::shared_ptr<const FieldMap> map;  // --map / --template (JSONL only)
  uint64_t max_line_bytes = 0;  // a longer line is reported as bad, never held whole; 0 = no limit
  const Target* target = nullptr;  // document keys and item encoding (ParseOptions::target)
};

// Checks the read options as given on the command line (format, unit) and adds the field map
// built from --map entries and --template; a map implies JSONL. Errors are usage errors.
Result<ItemReadOptions> resolve_read_options(ItemReadOptions base, const std::vector<std::string>& map_specs,
                                             const std::string& content_template);

// --unit file: a file's document id (the canonical path, or --id-prefix + the relative path).
std::string unit_file_id(const ItemReadOptions& o, const SourceSpec& src);
// --unit file: two inputs that would be one document are a usage error (exit 2), before
// anything is sent.
Status check_unit_file_ids(const ItemReadOptions& o, const InputSet& inputs);

// The parser options for one source under these read options.
ParseOptions parse_options_for(const ItemReadOptions& o, const SourceSpec& src, const UnitChoice& unit);

struct ItemReadSummary {
  uint64_t items = 0;      // items handed to on_item (in-run duplicates included)
  uint64_t bad_lines = 0;  // lines that are not a valid item (each reported as file:line)
  int input_problems = 0;  // files that could not be read at all (each reported)
};

// "line of N bytes is over --max-line-bytes (M); ...": why such a line is not an item.
std::string oversized_line_reason(uint64_t length, uint64_t max_line_bytes);

// Calls on_item for each item in input order; on_item returns false to stop early.
ItemReadSummary read_items(const InputSet& inputs, const ItemReadOptions& options, Diagnostics& diag,
                           const std::function<bool(Item&)>& on_item);

}  // namespace memconn
