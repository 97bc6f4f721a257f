#include "targets/hindsight/memory_item.h"

#include <algorithm>
#include <unordered_map>

#include "base/json_writer.h"

namespace memconn {

namespace {

void add_tag(std::vector<std::string>& tags, const std::string& tag) {
  if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
}

}  // namespace

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
  if (item.append) s += ",\"update_mode\":\"append\"";
  s += '}';
}

std::vector<std::string> fold_documents(const std::vector<const Item*>& items) {
  std::vector<std::string> out;
  out.reserve(items.size());
  std::vector<Item> merged;  // one per document with several parts here, in order of first part
  std::vector<std::pair<size_t, size_t>> slots;  // out index -> merged index (+1), 0 = item's own json
  std::unordered_map<std::string_view, size_t> first;  // explicit id -> out index
  for (const Item* it : items) {
    if (!it->explicit_id) {
      out.push_back(it->json);
      continue;
    }
    auto [pos, fresh] = first.emplace(it->document_id, out.size());
    if (fresh) {
      out.push_back(it->json);
      continue;
    }
    auto slot = std::find_if(slots.begin(), slots.end(), [&](const auto& p) { return p.first == pos->second; });
    if (slot == slots.end()) {
      // The first part's fields (context, timestamp, mode) stand for the document, as the
      // server's fold does; tags are the union and later metadata wins.
      const Item* head = items[0];
      for (const Item* c : items)
        if (c->explicit_id && c->document_id == it->document_id) {
          head = c;
          break;
        }
      merged.push_back(*head);
      merged.back().json.clear();
      slots.emplace_back(pos->second, merged.size());
      slot = slots.end() - 1;
    }
    Item& m = merged[slot->second - 1];
    m.content += '\n';
    m.content += it->content;
    for (const auto& t : it->tags) add_tag(m.tags, t);
    for (const auto& kv : it->metadata) {
      auto e = std::find_if(m.metadata.begin(), m.metadata.end(), [&](const auto& x) { return x.first == kv.first; });
      if (e == m.metadata.end()) m.metadata.push_back(kv);
      else e->second = kv.second;
    }
  }
  for (const auto& [index, m] : slots) out[index] = encode_memory_item(merged[m - 1]);
  return out;
}

std::string stored_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool strip = c <= 0x08 || c == 0x0b || c == 0x0c || (c >= 0x0e && c <= 0x1f) || c == 0x7f;
    if (!strip) out.push_back(ch);
  }
  return out;
}

}  // namespace memconn
