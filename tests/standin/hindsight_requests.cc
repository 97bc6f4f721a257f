#include "hindsight_requests.h"

#include "clock.h"
#include "ids.h"
#include "text.h"

namespace standin::hindsight {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

const std::string kBody = "body";

// Looks up an optional field; false when absent or JSON null (pydantic Optional[...]).
bool present(object obj, std::string_view key, element& v) { return !obj.at_key(key).get(v) && !v.is_null(); }

bool read_number(element v, const Loc& loc, Violations& errs, double& out) {
  if (v.is_number()) {
    out = v.get_double().value_unsafe();
    return true;
  }
  errs.add(loc, "float_type", "Input should be a valid number", v);
  return false;
}

void read_optional_string(object obj, std::string_view key, const Loc& loc, Violations& errs,
                          std::optional<std::string>& out) {
  element v;
  std::string s;
  if (present(obj, key, v) && read_string(v, loc / std::string(key), errs, s)) out = std::move(s);
}

// MemoryItem.tags: a list of strings, or a JSON-encoded list in a string (the server coerces it).
void read_item_tags(element v, const Loc& loc, Violations& errs, std::vector<std::string>& out) {
  std::string_view encoded;
  if (!v.get_string().get(encoded)) {
    simdjson::dom::parser inner;
    element decoded;
    if (inner.parse(std::string(encoded)).get(decoded) || !decoded.is_array()) {
      errs.add(loc, "list_type", "Input should be a valid list", v);
      return;
    }
    read_string_list(decoded, loc, errs, out);
    return;
  }
  read_string_list(v, loc, errs, out);
}

void read_observation_scopes(element v, const Loc& loc, Violations& errs, std::optional<std::string>& out) {
  std::string_view s;
  if (!v.get_string().get(s)) {
    if (s == "per_tag" || s == "combined" || s == "all_combinations" || s == "shared") {
      out = simdjson::minify(v);
      return;
    }
    errs.add(loc, "literal_error", "Input should be 'per_tag', 'combined', 'all_combinations' or 'shared'", v);
    return;
  }
  simdjson::dom::array outer;
  if (v.get_array().get(outer)) {
    errs.add(loc, "list_type", "Input should be a valid list", v);
    return;
  }
  long long i = 0;
  bool ok = true;
  for (auto inner : outer) {
    std::vector<std::string> scope;
    ok = read_string_list(inner, loc / i++, errs, scope) && ok;
  }
  if (ok) out = simdjson::minify(v);
}

void read_item(element v, const Loc& loc, Violations& errs, RetainItem& item) {
  object obj;
  if (!read_model(v, loc, errs, obj)) return;
  reject_unknown(obj, loc,
                 {"content", "timestamp", "context", "metadata", "document_id", "entities", "resolve_entities", "tags",
                  "observation_scopes", "strategy", "update_mode"},
                 errs);
  element f;
  if (obj.at_key("content").get(f)) {
    errs.add(loc / std::string("content"), "missing", "Field required");
  } else if (read_string(f, loc / std::string("content"), errs, item.content) && is_blank(item.content)) {
    errs.add(loc / std::string("content"), "value_error", "Value error, content cannot be empty", f);
  }
  if (present(obj, "timestamp", f)) {
    std::string ts;
    if (read_string(f, loc / std::string("timestamp"), errs, ts)) {
      if (ts != "unset" && !parse_iso(ts))
        errs.add(loc / std::string("timestamp"), "value_error",
                 "Value error, Invalid timestamp format: expected ISO 8601 datetime or 'unset'", f);
      else item.timestamp = std::move(ts);
    }
  }
  read_optional_string(obj, "context", loc, errs, item.context);
  read_optional_string(obj, "document_id", loc, errs, item.document_id);
  read_optional_string(obj, "strategy", loc, errs, item.strategy);
  if (present(obj, "metadata", f)) {
    object md;
    if (read_dict(f, loc / std::string("metadata"), errs, md)) {
      for (auto [k, val] : md) {
        if (val.is_null()) continue;
        std::string s;
        if (read_string(val, loc / std::string("metadata") / std::string(k), errs, s))
          item.metadata.emplace_back(std::string(k), std::move(s));
      }
    }
  }
  if (present(obj, "entities", f)) {
    simdjson::dom::array arr;
    if (f.get_array().get(arr)) {
      errs.add(loc / std::string("entities"), "list_type", "Input should be a valid list", f);
    } else {
      long long i = 0;
      for (auto e : arr) {
        Loc eloc = loc / std::string("entities") / i++;
        object eobj;
        if (!read_model(e, eloc, errs, eobj)) continue;
        reject_unknown(eobj, eloc, {"text", "type"}, errs);
        EntityInput ent;
        element t;
        if (eobj.at_key("text").get(t)) errs.add(eloc / std::string("text"), "missing", "Field required");
        else read_string(t, eloc / std::string("text"), errs, ent.text);
        read_optional_string(eobj, "type", eloc, errs, ent.type);
        item.entities.push_back(std::move(ent));
      }
    }
  }
  if (!obj.at_key("resolve_entities").get(f)) read_bool(f, loc / std::string("resolve_entities"), errs, item.resolve_entities);
  if (present(obj, "tags", f)) read_item_tags(f, loc / std::string("tags"), errs, item.tags);
  if (present(obj, "observation_scopes", f))
    read_observation_scopes(f, loc / std::string("observation_scopes"), errs, item.observation_scopes);
  std::string mode;
  if (present(obj, "update_mode", f) && read_enum(f, loc / std::string("update_mode"), errs, {"replace", "append"}, mode))
    item.update_mode = std::move(mode);
}

}  // namespace

bool parse_retain(simdjson::dom::parser& parser, const std::string& body, RetainInput& out, Violations& errs) {
  object obj;
  if (!parse_body(parser, body, errs, obj)) return false;
  Loc root{kBody};
  reject_unknown(obj, root, {"items", "async", "document_tags", "operation_id"}, errs);
  element v;
  if (obj.at_key("items").get(v)) {
    errs.add(root / std::string("items"), "missing", "Field required");
  } else {
    simdjson::dom::array arr;
    if (v.get_array().get(arr)) {
      errs.add(root / std::string("items"), "list_type", "Input should be a valid list", v);
    } else {
      out.items.reserve(arr.size());
      long long i = 0;
      for (auto item : arr) {
        out.items.emplace_back();
        read_item(item, root / std::string("items") / i++, errs, out.items.back());
      }
    }
  }
  if (!obj.at_key("async").get(v)) read_bool(v, root / std::string("async"), errs, out.async);
  if (present(obj, "document_tags", v)) {
    std::vector<std::string> tags;
    if (read_string_list(v, root / std::string("document_tags"), errs, tags)) out.document_tags = std::move(tags);
  }
  if (present(obj, "operation_id", v)) {
    std::string id;
    if (read_string(v, root / std::string("operation_id"), errs, id)) {
      if (!is_uuid(id)) errs.add(root / std::string("operation_id"), "value_error", "Value error, operation_id must be a valid UUID", v);
      else out.operation_id = std::move(id);
    }
  }
  return errs.empty();
}

bool parse_recall(simdjson::dom::parser& parser, const std::string& body, RecallInput& out, Violations& errs) {
  object obj;
  if (!parse_body(parser, body, errs, obj)) return false;
  Loc root{kBody};
  reject_unknown(obj, root,
                 {"query", "types", "prefer_observations", "budget", "max_tokens", "trace", "query_timestamp", "include",
                  "tags", "tags_match", "tag_groups", "min_scores", "temporal_window"},
                 errs);
  element v;
  require(obj, root, "query", errs);
  if (!obj.at_key("query").get(v)) read_string(v, root / std::string("query"), errs, out.query);
  if (present(obj, "types", v)) {
    std::vector<std::string> types;
    if (read_string_list(v, root / std::string("types"), errs, types)) out.types = std::move(types);
  }
  bool flag;
  if (!obj.at_key("prefer_observations").get(v)) read_bool(v, root / std::string("prefer_observations"), errs, flag);
  if (!obj.at_key("budget").get(v)) read_enum(v, root / std::string("budget"), errs, {"low", "mid", "high"}, out.budget);
  if (!obj.at_key("max_tokens").get(v)) read_int(v, root / std::string("max_tokens"), errs, out.max_tokens);
  if (!obj.at_key("trace").get(v)) read_bool(v, root / std::string("trace"), errs, out.trace);
  read_optional_string(obj, "query_timestamp", root, errs, out.query_timestamp);
  if (!obj.at_key("include").get(v)) {
    Loc iloc = root / std::string("include");
    object inc;
    if (read_model(v, iloc, errs, inc)) {
      reject_unknown(inc, iloc, {"entities", "chunks", "source_facts"}, errs);
      element e;
      out.include_entities = !(inc.at_key("entities").get(e) == simdjson::SUCCESS && e.is_null());
      object sub;
      long long n;
      if (present(inc, "entities", e) && read_model(e, iloc / std::string("entities"), errs, sub)) {
        reject_unknown(sub, iloc / std::string("entities"), {"max_tokens"}, errs);
        if (!sub.at_key("max_tokens").get(e)) read_int(e, iloc / std::string("entities") / std::string("max_tokens"), errs, n);
      }
      if (present(inc, "chunks", e) && read_model(e, iloc / std::string("chunks"), errs, sub)) {
        out.include_chunks = true;
        reject_unknown(sub, iloc / std::string("chunks"), {"max_tokens"}, errs);
        if (!sub.at_key("max_tokens").get(e))
          read_int(e, iloc / std::string("chunks") / std::string("max_tokens"), errs, out.chunks_max_tokens);
      }
      if (present(inc, "source_facts", e) && read_model(e, iloc / std::string("source_facts"), errs, sub)) {
        reject_unknown(sub, iloc / std::string("source_facts"), {"max_tokens", "max_tokens_per_observation"}, errs);
        for (const char* k : {"max_tokens", "max_tokens_per_observation"})
          if (!sub.at_key(k).get(e)) read_int(e, iloc / std::string("source_facts") / std::string(k), errs, n);
      }
    }
  }
  read_tag_filter(obj, errs, out.filter);
  if (present(obj, "min_scores", v)) {
    Loc mloc = root / std::string("min_scores");
    object ms;
    if (read_model(v, mloc, errs, ms)) {
      reject_unknown(ms, mloc, {"semantic", "keyword", "reranker", "final"}, errs);
      element e;
      double d;
      for (const char* k : {"semantic", "keyword", "reranker", "final"}) {
        if (!present(ms, k, e) || !read_number(e, mloc / std::string(k), errs, d)) continue;
        if (std::string_view(k) == "final") out.min_final = d;
        if (std::string_view(k) == "keyword") out.min_keyword = d;
      }
    }
  }
  if (present(obj, "temporal_window", v)) {
    Loc tloc = root / std::string("temporal_window");
    object tw;
    if (read_model(v, tloc, errs, tw)) {
      reject_unknown(tw, tloc, {"start", "end"}, errs);
      for (const char* k : {"start", "end"}) {
        element e;
        std::string s;
        if (tw.at_key(k).get(e)) errs.add(tloc / std::string(k), "missing", "Field required");
        else if (read_string(e, tloc / std::string(k), errs, s) && !parse_iso(s))
          errs.add(tloc / std::string(k), "datetime_from_date_parsing", "Input should be a valid datetime", e);
      }
    }
  }
  return errs.empty();
}

bool parse_reflect(simdjson::dom::parser& parser, const std::string& body, ReflectInput& out, Violations& errs) {
  object obj;
  if (!parse_body(parser, body, errs, obj)) return false;
  Loc root{kBody};
  reject_unknown(obj, root,
                 {"query", "budget", "context", "max_tokens", "include", "response_schema", "tags", "tags_match",
                  "tag_groups", "apply_all_directives", "fact_types", "exclude_mental_models",
                  "exclude_mental_model_ids"},
                 errs);
  element v;
  require(obj, root, "query", errs);
  if (!obj.at_key("query").get(v)) read_string(v, root / std::string("query"), errs, out.query);
  if (!obj.at_key("budget").get(v)) read_enum(v, root / std::string("budget"), errs, {"low", "mid", "high"}, out.budget);
  read_optional_string(obj, "context", root, errs, out.context);
  if (!obj.at_key("max_tokens").get(v)) read_int(v, root / std::string("max_tokens"), errs, out.max_tokens);
  if (!obj.at_key("include").get(v)) {
    Loc iloc = root / std::string("include");
    object inc;
    if (read_model(v, iloc, errs, inc)) {
      reject_unknown(inc, iloc, {"facts", "tool_calls"}, errs);
      element e;
      object sub;
      if (present(inc, "facts", e) && read_model(e, iloc / std::string("facts"), errs, sub)) {
        out.include_facts = true;
        reject_unknown(sub, iloc / std::string("facts"), {}, errs);
      }
      if (present(inc, "tool_calls", e) && read_model(e, iloc / std::string("tool_calls"), errs, sub)) {
        out.include_tool_calls = true;
        reject_unknown(sub, iloc / std::string("tool_calls"), {"output"}, errs);
        bool output;
        if (!sub.at_key("output").get(e)) read_bool(e, iloc / std::string("tool_calls") / std::string("output"), errs, output);
      }
    }
  }
  if (present(obj, "response_schema", v)) {
    object schema;
    if (read_dict(v, root / std::string("response_schema"), errs, schema)) out.response_schema = simdjson::minify(v);
  }
  read_tag_filter(obj, errs, out.filter);
  if (out.filter.tags && !out.filter.groups.empty())
    errs.add(root, "value_error", "Value error, 'tags' and 'tag_groups' are mutually exclusive");
  bool flag;
  for (const char* k : {"apply_all_directives", "exclude_mental_models"})
    if (!obj.at_key(k).get(v)) read_bool(v, root / std::string(k), errs, flag);
  if (present(obj, "fact_types", v)) {
    std::vector<std::string> types;
    simdjson::dom::array arr;
    if (v.get_array().get(arr)) {
      errs.add(root / std::string("fact_types"), "list_type", "Input should be a valid list", v);
    } else {
      long long i = 0;
      for (auto t : arr) {
        std::string s;
        if (read_enum(t, root / std::string("fact_types") / i++, errs, {"world", "experience", "observation"}, s))
          types.push_back(std::move(s));
      }
      out.fact_types = std::move(types);
    }
  }
  if (present(obj, "exclude_mental_model_ids", v)) {
    std::vector<std::string> ids;
    read_string_list(v, root / std::string("exclude_mental_model_ids"), errs, ids);
  }
  return errs.empty();
}

}  // namespace standin::hindsight
