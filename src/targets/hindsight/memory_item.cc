#include "targets/hindsight/memory_item.h"

#include "base/json_writer.h"

namespace memconn {

std::string encode_memory_item(const Item& item) {
  std::string s;
  append_memory_item(s, item);
  return s;
}

void append_memory_item(std::string& s, const Item& item) {
  // Written piece by piece rather than through JsonWriter: the field names need no escaping,
  // and this runs once per line on the reader thread.
  s.reserve(s.size() + item.content.size() + item.document_id.size() + 128);
  s += "{\"content\":";
  append_json_string(s, item.content);
  auto field = [&](std::string_view comma_name, const std::string& value) {
    if (value.empty()) return;
    s += comma_name;
    append_json_string(s, value);
  };
  field(",\"context\":", item.context);
  field(",\"timestamp\":", item.timestamp);
  if (!item.metadata.empty()) {
    s += ",\"metadata\":{";
    for (size_t i = 0; i < item.metadata.size(); ++i) {
      if (i > 0) s += ',';
      append_json_string(s, item.metadata[i].first);
      s += ':';
      append_json_string(s, item.metadata[i].second);
    }
    s += '}';
  }
  s += ",\"document_id\":";
  append_json_string(s, item.document_id);
  if (!item.tags.empty()) {
    s += ",\"tags\":[";
    for (size_t i = 0; i < item.tags.size(); ++i) {
      if (i > 0) s += ',';
      append_json_string(s, item.tags[i]);
    }
    s += ']';
  }
  s += '}';
}

}  // namespace memconn
