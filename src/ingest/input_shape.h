// What shaped a file's items: the options that decide their content and ids (format as
// resolved for the file, unit, --map, --template, --tags, --context, --id-prefix). Recorded
// with each file's commit point, so a later run with other options does not silently skip
// lines it would now read differently (a file ingested by mistake with --format lines, then
// with the corrected --format jsonl), and verify can tell "ingested with other options" from
// "missing".
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ingest/options.h"

namespace memconn {

struct ShapeOptions {
  std::string format;  // as resolved for the file: lines | jsonl
  std::string unit, id_prefix, content_template, context;
  std::vector<std::string> map, tags;
};

// A canonical text of the options: one "name=value" line each (stored in the state).
std::string input_shape(const ShapeOptions& o);

// nullopt when a file shaped `recorded` may go on being read with `now` (the same options, or
// nothing recorded by an older version); else what differs, as one clause for a message:
// "--format lines (now --format jsonl)".
std::optional<std::string> shape_change(const std::string& recorded, const std::string& now);

// An ingest's options as a shape, for a file read as JSONL or not.
ShapeOptions shape_options_of(const IngestOptions& o, bool jsonl);
// Sets the options a shape records (verify adopting what the ingest used).
void apply_shape(const ShapeOptions& shape, IngestOptions& o);

// The options a shape records (the inverse of input_shape; unknown lines are ignored).
ShapeOptions parse_shape(const std::string& shape);

// The flags, as a user would type them, that give this shape (for verify's hint).
std::string shape_flags(const std::string& shape);

}  // namespace memconn
