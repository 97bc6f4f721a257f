#include "core/item_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <unordered_map>

#include "core/digest.h"
#include "core/json_writer.h"

namespace memconn {

struct ItemParser::Json {
  simdjson::dom::parser parser;
};

namespace {

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; });
}

// Replaces invalid UTF-8 by U+FFFD so the stored text and its hash match what is sent.
bool repair_in_place(std::string& s) {
  if (is_valid_utf8(s)) return false;
  s = repair_utf8(s);
  return true;
}

std::string scalar_to_string(simdjson::dom::element v) {
  switch (v.type()) {
    case simdjson::dom::element_type::STRING: return std::string(std::string_view(v));
    case simdjson::dom::element_type::BOOL: return bool(v) ? "true" : "false";
    default: return simdjson::minify(v);
  }
}

void add_tag(std::vector<std::string>& tags, std::string tag) {
  if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(std::move(tag));
}

}  // namespace

ItemParser::ItemParser(Format format, ParseOptions options)
    : format_(format), options_(std::move(options)), json_(std::make_unique<Json>()) {}
ItemParser::~ItemParser() = default;

ParseResult ItemParser::parse(std::string_view line, const Origin& origin, Item& out) {
  out = Item{};
  ParseResult r;
  if (is_blank(line)) return r;  // Blank
  if (format_ == Format::Jsonl) {
    r = parse_jsonl(line, out);
    if (r.status != ParseStatus::Item) {
      if (r.status == ParseStatus::Invalid) out.raw_line.assign(line);
      return r;
    }
  } else {
    out.content.assign(line);
    r.status = ParseStatus::Item;
  }
  r.repaired_utf8 = repair_in_place(out.content);
  finish(out, origin);
  return r;
}

ParseResult ItemParser::parse_jsonl(std::string_view line, Item& out) {
  ParseResult r;
  r.status = ParseStatus::Invalid;
  simdjson::dom::element doc;
  if (auto err = json_->parser.parse(line.data(), line.size()).get(doc)) {
    r.error = std::string("invalid JSON: ") + simdjson::error_message(err);
    return r;
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) {
    r.error = "expected a JSON object";
    return r;
  }
  bool has_content = false;
  for (auto field : obj) {
    std::string_view key = field.key;
    auto v = field.value;
    auto want_string = [&](std::string& dst) -> bool {
      std::string_view sv;
      if (v.get_string().get(sv)) {
        r.error = "field \"" + std::string(key) + "\" must be a string";
        return false;
      }
      dst.assign(sv);
      return true;
    };
    if (key == "content" || key == "text") {
      if (has_content && key == "text") continue;  // "content" wins when both are present
      if (!want_string(out.content)) return r;
      has_content = true;
    } else if (key == "context") {
      if (v.is_null()) continue;
      if (!want_string(out.context)) return r;
    } else if (key == "timestamp") {
      if (v.is_null()) continue;
      if (!want_string(out.timestamp)) return r;
    } else if (key == "document_id" || key == "id") {
      if (!out.document_id.empty() && key == "id") continue;  // "document_id" wins
      if (v.is_string() || v.is_int64() || v.is_uint64()) {
        out.document_id = scalar_to_string(v);
      } else if (!v.is_null()) {
        r.error = "field \"" + std::string(key) + "\" must be a string or an integer";
        return r;
      }
    } else if (key == "tags") {
      simdjson::dom::array arr;
      if (v.get_array().get(arr)) {
        r.error = "field \"tags\" must be an array of strings";
        return r;
      }
      for (auto t : arr) {
        std::string_view sv;
        if (t.get_string().get(sv)) {
          r.error = "field \"tags\" must be an array of strings";
          return r;
        }
        add_tag(out.tags, std::string(sv));
      }
    } else if (key == "metadata") {
      if (v.is_null()) continue;
      simdjson::dom::object m;
      if (v.get_object().get(m)) {
        r.error = "field \"metadata\" must be an object";
        return r;
      }
      for (auto kv : m) {
        if (kv.value.is_null()) continue;  // the server drops null values anyway
        out.metadata.emplace_back(std::string(kv.key), scalar_to_string(kv.value));
      }
    }
    // Other fields are ignored on purpose: chat exports carry many (role, speaker, ...).
  }
  if (!has_content) {
    r.error = "missing \"content\" (or \"text\") field";
    return r;
  }
  if (is_blank(out.content)) {
    r.error = "\"content\" is empty";
    return r;
  }
  r.status = ParseStatus::Item;
  return r;
}

void ItemParser::finish(Item& out, const Origin& origin) {
  out.origin = origin;
  for (const auto& t : options_.tags) add_tag(out.tags, t);
  if (out.context.empty()) out.context = options_.context;
  // Origin metadata is a default: a JSONL item's own "source"/"line" keys win.
  auto has_key = [&](std::string_view k) {
    return std::any_of(out.metadata.begin(), out.metadata.end(), [&](const auto& kv) { return kv.first == k; });
  };
  out.metadata.reserve(out.metadata.size() + 2);
  if (!has_key("source")) out.metadata.emplace_back("source", options_.source_name);
  if (!has_key("line")) out.metadata.emplace_back("line", std::to_string(origin.line));
  if (!options_.document_id.empty()) out.document_id = options_.document_id;
  auto digest = sha256(out.content);
  out.explicit_id = !out.document_id.empty();
  if (out.document_id.empty()) {
    append_hex(out.document_id, digest.data(), digest.size());
    out.fingerprint = fingerprint64(digest);
  } else {
    std::string keyed = out.document_id + '\0';
    append_hex(keyed, digest.data(), digest.size());
    out.fingerprint = fingerprint64(sha256(keyed));
  }
  out.json = encode_memory_item(out);
}

std::string encode_memory_item(const Item& item) {
  std::string s;
  s.reserve(item.content.size() + 128);
  JsonWriter w(s);
  w.begin_object().key("content").value(item.content);
  if (!item.context.empty()) w.key("context").value(item.context);
  if (!item.timestamp.empty()) w.key("timestamp").value(item.timestamp);
  if (!item.metadata.empty()) {
    w.key("metadata").begin_object();
    for (const auto& [k, v] : item.metadata) w.key(k).value(v);
    w.end_object();
  }
  w.key("document_id").value(item.document_id);
  if (!item.tags.empty()) {
    w.key("tags").begin_array();
    for (const auto& t : item.tags) w.value(t);
    w.end_array();
  }
  if (item.append) w.key("update_mode").value("append");
  w.end_object();
  return s;
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

Format format_for_path(std::string_view path) {
  auto ends_with = [&](std::string_view suf) {
    return path.size() >= suf.size() && path.substr(path.size() - suf.size()) == suf;
  };
  return ends_with(".jsonl") || ends_with(".ndjson") ? Format::Jsonl : Format::Lines;
}

}  // namespace memconn
