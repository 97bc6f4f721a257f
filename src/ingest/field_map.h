// Where the fields of a memory are found in another tool's JSONL export: `--map
// content=text,document_id=conversation_id,timestamp=created_at` with dotted paths for nested
// fields (`content=message.body`, `content=parts.0` for an array element), and an optional
// `--template "{role}: {content}"` that renders the content from several fields.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/text_template.h"

namespace memconn {

enum class MemoryField { Content, DocumentId, Context, Timestamp, Tags, Metadata };
inline constexpr int kMemoryFields = 6;

struct FieldPath {
  std::string text;                   // as written, for messages
  std::vector<std::string> segments;  // "message.body" -> {"message", "body"}
};

struct FieldMap {
  std::optional<FieldPath> paths[kMemoryFields];  // index: MemoryField; unset = the default field
  std::shared_ptr<const TextTemplate> content_template;
  std::string template_text;  // as written, for messages
  bool empty() const;
  const std::optional<FieldPath>& operator[](MemoryField f) const { return paths[static_cast<int>(f)]; }
};

// "content", "document_id", "context", "timestamp", "tags", "metadata".
const char* field_name(MemoryField f);
FieldPath split_path(const std::string& dotted);
// specs: "target=path" entries; errors are usage errors (exit 2) naming the entry.
Result<FieldMap> parse_field_map(const std::vector<std::string>& specs, const std::string& content_template);

}  // namespace memconn
