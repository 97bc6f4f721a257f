#include "ingest/item_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "base/digest.h"
#include "engine/item_pool.h"
#include "base/iso_time.h"
#include "base/json_writer.h"

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
  reset_item(out);  // a spare item from the pool keeps its buffers
  ParseResult r;
  if (is_blank(line)) return r;  // Blank
  if (format_ == Format::Jsonl) {
    r = parse_jsonl(line, out);
    if (r.status == ParseStatus::Item && is_blank(out.content)) {  // mapped or not
      r.status = ParseStatus::Invalid;
      r.error = "\"content\" is empty";
    }
    if (r.status != ParseStatus::Item) {
      if (r.status == ParseStatus::Invalid) out.raw_line.assign(line);
      return r;
    }
    r.repaired_utf8 = repair_in_place(out.content);
  } else {
    // Checked where the reader's buffer still has it in cache, before the copy.
    r.repaired_utf8 = !is_valid_utf8(line);
    if (r.repaired_utf8) {
      out.content = repair_utf8(line);
    } else {
      reserve_exact(out.content, line.size());
      out.content.assign(line);
    }
    r.status = ParseStatus::Item;
  }
  finish(out, origin);
  return r;
}

namespace {

// Follows a dotted path through objects (and arrays, by a numeric part); false if absent.
bool find_path(simdjson::dom::element at, const FieldPath& path, simdjson::dom::element& out) {
  for (const auto& seg : path.segments) {
    if (at.is_object()) {
      if (at.get_object().value()[seg].get(at)) return false;
    } else if (at.is_array()) {
      if (seg.empty() || seg.find_first_not_of("0123456789") != std::string::npos) return false;
      if (at.get_array().value().at(std::stoull(seg)).get(at)) return false;
    } else {
      return false;
    }
  }
  out = at;
  return true;
}

// Template and id values: strings as they are, other scalars as their JSON text.
std::string render_value(simdjson::dom::element v) { return v.is_null() ? std::string() : scalar_to_string(v); }

}  // namespace

ParseResult ItemParser::parse_mapped(const simdjson::dom::element& doc, Item& out) {
  ParseResult r;
  r.status = ParseStatus::Invalid;
  const FieldMap& m = *options_.map;
  // A mapped field must be there (a typo in a path would otherwise lose it on every line); a
  // null value means "none" for context, timestamp, tags and metadata.
  auto lookup = [&](MemoryField f, std::initializer_list<const char*> defaults, simdjson::dom::element& v) -> bool {
    if (const auto& p = m[f]) {
      if (find_path(doc, *p, v)) return true;
      r.error = "missing field \"" + p->text + "\" (--map " + field_name(f) + "=" + p->text + ")";
      return false;
    }
    for (const char* d : defaults)
      if (find_path(doc, split_path(d), v)) return true;
    return false;
  };
  auto name_of = [&](MemoryField f, const char* fallback) { return m[f] ? m[f]->text : std::string(fallback); };
  simdjson::dom::element v;
  if (m.content_template) {
    std::string missing;
    auto text = [&](std::string_view name) -> std::string {
      simdjson::dom::element e;
      // A placeholder naming a memory field follows that field's mapping ({content} is the
      // mapped content); any other name is a path into the record.
      for (int i = 0; i < kMemoryFields; ++i)
        if (name == field_name(static_cast<MemoryField>(i)) && m.paths[i]) {
          if (find_path(doc, *m.paths[i], e)) return render_value(e);
          if (missing.empty()) missing = m.paths[i]->text;
          return {};
        }
      if (find_path(doc, split_path(std::string(name)), e)) return render_value(e);
      if (missing.empty()) missing = std::string(name);
      return {};
    };
    out.content = m.content_template->render({text, [](std::string_view) { return std::optional<SysTime>(); }});
    if (!missing.empty()) {
      r.error = "missing field \"" + missing + "\" (--template " + m.template_text + ")";
      return r;
    }
  } else {
    if (!lookup(MemoryField::Content, {"content", "text"}, v)) {
      if (r.error.empty()) r.error = "missing \"content\" (or \"text\") field";
      return r;
    }
    std::string_view sv;
    if (v.get_string().get(sv)) {
      r.error = "field \"" + name_of(MemoryField::Content, "content") + "\" must be a string";
      return r;
    }
    out.content.assign(sv);
  }
  if (lookup(MemoryField::DocumentId, {"document_id", "id"}, v)) {
    if (v.is_string() || v.is_int64() || v.is_uint64()) {
      out.document_id = scalar_to_string(v);
    } else if (!v.is_null()) {
      r.error = "field \"" + name_of(MemoryField::DocumentId, "document_id") + "\" must be a string or an integer";
      return r;
    }
  } else if (!r.error.empty()) {
    return r;
  }
  for (auto [f, dst] : {std::pair{MemoryField::Context, &out.context}, std::pair{MemoryField::Timestamp, &out.timestamp}}) {
    if (!lookup(f, {field_name(f)}, v)) {
      if (!r.error.empty()) return r;
      continue;
    }
    if (v.is_null()) continue;
    std::string_view sv;
    double secs = 0;
    if (!v.get_string().get(sv)) {
      dst->assign(sv);
    } else if (f == MemoryField::Timestamp && !v.get_double().get(secs)) {
      // Exports often carry Unix seconds (ChatGPT's create_time); the API wants ISO-8601. The
      // clock holds 1677 to 2262: a larger number overflowed it (found by fuzzing).
      if (!(std::abs(secs) < 9.2e9)) {
        r.error = "field \"" + name_of(f, field_name(f)) + "\" is not a time: " + simdjson::minify(v) +
                  " seconds since 1970 is past the year 2262";
        return r;
      }
      *dst = format_iso8601(SysTime(std::chrono::milliseconds(static_cast<int64_t>(secs * 1000))));
    } else {
      r.error = "field \"" + name_of(f, field_name(f)) + "\" must be a string" +
                (f == MemoryField::Timestamp ? " or a number of seconds since 1970" : "");
      return r;
    }
  }
  if (lookup(MemoryField::Tags, {"tags"}, v)) {
    std::string_view sv;
    simdjson::dom::array arr;
    if (v.is_null()) {
    } else if (!v.get_string().get(sv)) {
      add_tag(out.tags, std::string(sv));
    } else if (!v.get_array().get(arr)) {
      for (auto t : arr) {
        if (t.get_string().get(sv)) {
          r.error = "field \"" + name_of(MemoryField::Tags, "tags") + "\" must be a string or an array of strings";
          return r;
        }
        add_tag(out.tags, std::string(sv));
      }
    } else {
      r.error = "field \"" + name_of(MemoryField::Tags, "tags") + "\" must be a string or an array of strings";
      return r;
    }
  } else if (!r.error.empty()) {
    return r;
  }
  if (lookup(MemoryField::Metadata, {"metadata"}, v)) {
    simdjson::dom::object obj;
    if (!v.is_null()) {
      if (v.get_object().get(obj)) {
        r.error = "field \"" + name_of(MemoryField::Metadata, "metadata") + "\" must be an object";
        return r;
      }
      for (auto kv : obj)
        if (!kv.value.is_null()) out.metadata.emplace_back(std::string(kv.key), scalar_to_string(kv.value));
    }
  } else if (!r.error.empty()) {
    return r;
  }
  r.status = ParseStatus::Item;
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
  if (options_.map && !options_.map->empty()) return parse_mapped(doc, out);
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
  r.status = ParseStatus::Item;
  return r;
}

namespace {

// A content-hash id stands for what makes a memory different in recall: its text, and the
// context and tags it is filed under (the same text under other tags is another memory, not
// an upsert that would move it out of the first tags' reach). Without context and tags it is
// the hash of the text alone, as before those counted, so such ids did not change.
Sha256 identity(const Item& it) {
  if (it.context.empty() && it.tags.empty()) return sha256(it.content);
  std::vector<std::string_view> tags(it.tags.begin(), it.tags.end());
  std::sort(tags.begin(), tags.end());  // --tags a,b and b,a file the memory alike
  std::string key = it.content;
  key += '\0';
  key += "context=";
  key += it.context;
  for (auto t : tags) {
    key += '\0';
    key += "tag=";
    key += t;
  }
  return sha256(key);
}

}  // namespace

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
  out.explicit_id = !out.document_id.empty();
  auto digest = out.explicit_id ? sha256(out.content) : identity(out);
  if (out.document_id.empty()) {
    append_hex(out.document_id, digest.data(), digest.size());
    out.fingerprint = fingerprint64(digest);
  } else {
    std::string keyed = out.document_id + '\0';
    append_hex(keyed, digest.data(), digest.size());
    out.fingerprint = fingerprint64(sha256(keyed));
  }
  if (on_fingerprint_) on_fingerprint_(out.fingerprint);
  out.json.clear();
  if (!options_.target) return;
  out.document_id = options_.target->document_key(out.document_id);
  // Room for every field and some more, so most later lines fit a reused buffer.
  size_t room = out.content.size() + out.context.size() + out.timestamp.size() + out.document_id.size() + 192;
  for (const auto& [k, v] : out.metadata) room += k.size() + v.size() + 8;
  for (const auto& t : out.tags) room += t.size() + 4;
  reserve_exact(out.json, room);
  options_.target->encode(out);
}

Format format_for_path(std::string_view path) {
  auto ends_with = [&](std::string_view suf) {
    return path.size() >= suf.size() && path.substr(path.size() - suf.size()) == suf;
  };
  // .json too: JSON Lines under that name, or an array of records (read element by element,
  // text_blocks.h); read as lines, either would become one junk memory per line of JSON.
  return ends_with(".jsonl") || ends_with(".ndjson") || ends_with(".json") ? Format::Jsonl : Format::Lines;
}

}  // namespace memconn
