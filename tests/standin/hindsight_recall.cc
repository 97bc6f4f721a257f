#include "hindsight_recall.h"

#include <algorithm>
#include <set>

#include "clock.h"
#include "ids.h"
#include "text.h"

namespace standin::hindsight {
namespace {

size_t tokens_of(std::string_view s) { return (s.size() + 3) / 4; }

bool allows_world(const std::optional<std::vector<std::string>>& types) {
  return !types || std::find(types->begin(), types->end(), "world") != types->end();
}

// occurred_* come from the item timestamp; "unset" means the memory is timeless.
std::optional<std::string> occurred(const Document& d) {
  if (!d.timestamp || *d.timestamp == "unset") return std::nullopt;
  if (auto t = parse_iso(*d.timestamp)) return iso_utc(*t);
  return std::nullopt;
}

void value_or_null(JsonOut& j, const std::optional<std::string>& v) {
  if (v) j.value(*v);
  else j.value(nullptr);
}

std::string entity_id(const std::string& name) {
  std::string h = md5_hex(name);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

void write_result(JsonOut& j, const Ranked& r) {
  const Document& d = *r.doc;
  auto when = occurred(d);
  j.begin_object().field("id", d.memory_id).field("text", d.content).field("type", "world");
  j.key("entities").begin_array();
  for (const auto& e : d.entities) j.value(e.text);
  j.end_array();
  j.key("context");
  value_or_null(j, d.context);
  j.key("occurred_start");
  value_or_null(j, when);
  j.key("occurred_end");
  value_or_null(j, when);
  j.key("mentioned_at");
  if (d.timestamp && *d.timestamp == "unset") j.value(nullptr);
  else j.value(when.value_or(iso_utc(d.created_at)));
  j.field("document_id", d.id);
  j.key("metadata").begin_object();
  for (const auto& [k, v] : d.metadata) j.field(k, v);
  j.end_object();
  j.field("chunk_id", d.chunk_id);
  j.key("tags").begin_array();
  for (const auto& t : d.tags) j.value(t);
  j.end_array();
  j.field("source_fact_ids", nullptr);
  j.key("scores").begin_object().field("final", r.score).field("keyword", static_cast<double>(r.matched));
  j.field("semantic", nullptr).field("reranker", nullptr).end_object();
  j.end_object();
}

// Fills a JSON Schema with values drawn from the memories, for reflect's structured_output.
void fill_schema(JsonOut& j, simdjson::dom::element schema, const std::vector<Ranked>& mems, int depth) {
  std::string_view type;
  simdjson::dom::element v;
  if (schema.at_key("type").get(v) == simdjson::SUCCESS) {
    simdjson::dom::array alternatives;
    if (v.is_string()) type = v.get_string().value_unsafe();
    else if (v.get_array().get(alternatives) == simdjson::SUCCESS) {
      for (auto t : alternatives) {
        std::string_view s;
        if (!t.get_string().get(s) && s != "null") {
          type = s;
          break;
        }
      }
    }
  }
  simdjson::dom::object props;
  bool has_props = schema.at_key("properties").get_object().get(props) == simdjson::SUCCESS;
  if (type.empty() && has_props) type = "object";
  simdjson::dom::array enum_values;
  if (schema.at_key("enum").get_array().get(enum_values) == simdjson::SUCCESS && enum_values.size() > 0) {
    j.raw(simdjson::minify(enum_values.at(0).value_unsafe()));
    return;
  }
  if (type == "object" && depth < 8) {
    std::set<std::string> required;
    simdjson::dom::array req;
    bool has_required = schema.at_key("required").get_array().get(req) == simdjson::SUCCESS;
    if (has_required)
      for (auto r : req) {
        std::string_view s;
        if (!r.get_string().get(s)) required.emplace(s);
      }
    j.begin_object();
    if (has_props)
      for (auto [name, sub] : props)
        if (!has_required || required.count(std::string(name))) {
          j.key(name);
          fill_schema(j, sub, mems, depth + 1);
        }
    j.end_object();
  } else if (type == "array") {
    simdjson::dom::element items;
    bool typed = schema.at_key("items").get(items) == simdjson::SUCCESS;
    j.begin_array();
    for (size_t i = 0; i < mems.size() && i < 5; ++i) {
      std::vector<Ranked> one{mems[i]};
      if (typed) fill_schema(j, items, one, depth + 1);
      else j.value(mems[i].doc->content);
    }
    j.end_array();
  } else if (type == "integer") {
    j.value(mems.size());
  } else if (type == "number") {
    j.value(static_cast<double>(mems.size()));
  } else if (type == "boolean") {
    j.value(!mems.empty());
  } else if (type == "null") {
    j.value(nullptr);
  } else {
    j.value(mems.empty() ? std::string("No matching memories (stand-in, no LLM).") : mems.front().doc->content);
  }
}

}  // namespace

std::vector<Ranked> rank(const std::vector<Document>& docs, const std::string& query, const TagFilter& filter) {
  auto words = word_tokens(query);
  std::set<std::string> distinct(words.begin(), words.end());
  std::vector<std::string> q(distinct.begin(), distinct.end());
  std::vector<Ranked> out;
  for (const auto& d : docs) {
    if (!filter.matches(d.tags)) continue;
    size_t m = overlap(q, d.content);
    if (m == 0) continue;
    out.push_back({&d, m, static_cast<double>(m) / static_cast<double>(q.size())});
  }
  std::stable_sort(out.begin(), out.end(), [](const Ranked& a, const Ranked& b) {
    if (a.matched != b.matched) return a.matched > b.matched;
    return a.doc->updated_at > b.doc->updated_at;
  });
  return out;
}

std::string recall_response(const std::vector<Document>& docs, const RecallInput& in, double elapsed_s) {
  std::vector<Ranked> ranked;
  if (allows_world(in.types)) ranked = rank(docs, in.query, in.filter);
  std::erase_if(ranked, [&](const Ranked& r) {
    return (in.min_final && r.score < *in.min_final) || (in.min_keyword && static_cast<double>(r.matched) < *in.min_keyword);
  });
  // max_tokens is the budget of the returned memory texts.
  size_t used = 0, keep = 0;
  for (; keep < ranked.size(); ++keep) {
    size_t t = tokens_of(ranked[keep].doc->content);
    if (used + t > static_cast<size_t>(std::max(0LL, in.max_tokens))) break;
    used += t;
  }
  ranked.resize(keep);

  JsonOut j;
  j.begin_object().key("results").begin_array();
  for (const auto& r : ranked) write_result(j, r);
  j.end_array();
  j.key("trace");
  if (in.trace) {
    j.begin_object().field("query", in.query).field("num_results", ranked.size()).field("time_seconds", elapsed_s);
    j.field("engine", "memconn-standin keyword overlap").end_object();
  } else {
    j.value(nullptr);
  }
  j.key("entities");
  if (in.include_entities) {
    j.begin_object();
    std::set<std::string> seen;
    for (const auto& r : ranked)
      for (const auto& e : r.doc->entities) {
        if (!seen.insert(e.text).second) continue;
        j.key(e.text).begin_object().field("entity_id", entity_id(e.text)).field("canonical_name", e.text);
        j.key("observations").begin_array().end_array().end_object();
      }
    j.end_object();
  } else {
    j.value(nullptr);
  }
  j.key("chunks");
  if (in.include_chunks) {
    j.begin_object();
    size_t budget = static_cast<size_t>(std::max(0LL, in.chunks_max_tokens)) * 4;
    for (const auto& r : ranked) {
      std::string_view text = utf8_prefix(r.doc->content, budget);
      budget -= text.size();
      j.key(r.doc->chunk_id).begin_object().field("id", r.doc->chunk_id).field("text", text).field("chunk_index", 0);
      j.field("truncated", text.size() < r.doc->content.size()).end_object();
    }
    j.end_object();
  } else {
    j.value(nullptr);
  }
  j.field("source_facts", nullptr).field("source_facts_truncated", nullptr).end_object();
  return j.take();
}

std::string reflect_response(const std::vector<Document>& docs, const ReflectInput& in) {
  std::string query = in.context ? in.query + "\n" + *in.context : in.query;
  std::vector<Ranked> ranked;
  if (allows_world(in.fact_types)) ranked = rank(docs, query, in.filter);
  size_t limit = in.budget == "high" ? 20 : in.budget == "mid" ? 10 : 5;
  if (ranked.size() > limit) ranked.resize(limit);

  std::string text =
      "*Stand-in reflect: no LLM was called. This answer only lists the stored memories that share words with "
      "the query.*\n\n";
  if (ranked.empty()) {
    text += "I have no memories that match this query.";
  } else {
    text += "Based on " + std::to_string(ranked.size()) + " matching " + (ranked.size() == 1 ? "memory" : "memories") + ":\n\n";
    for (const auto& r : ranked) {
      std::string_view line = utf8_prefix(r.doc->content, 300);
      text += "- " + std::string(line) + (line.size() < r.doc->content.size() ? "…" : "") + "\n";
    }
  }
  text = std::string(utf8_prefix(text, static_cast<size_t>(std::max(0LL, in.max_tokens)) * 4));

  size_t input_tokens = tokens_of(query);
  for (const auto& r : ranked) input_tokens += tokens_of(r.doc->content);
  size_t output_tokens = tokens_of(text);

  JsonOut j;
  j.begin_object().field("text", text);
  j.key("based_on");
  if (in.include_facts) {
    j.begin_object().key("memories").begin_array();
    for (const auto& r : ranked) {
      auto when = occurred(*r.doc);
      j.begin_object().field("id", r.doc->memory_id).field("text", r.doc->content).field("type", "world");
      j.key("context");
      value_or_null(j, r.doc->context);
      j.key("occurred_start");
      value_or_null(j, when);
      j.key("occurred_end");
      value_or_null(j, when);
      j.end_object();
    }
    j.end_array().key("mental_models").begin_array().end_array().key("directives").begin_array().end_array().end_object();
  } else {
    j.value(nullptr);
  }
  j.key("structured_output");
  simdjson::dom::parser parser;
  simdjson::dom::element schema;
  if (in.response_schema && parser.parse(*in.response_schema).get(schema) == simdjson::SUCCESS) fill_schema(j, schema, ranked, 0);
  else j.value(nullptr);
  j.key("usage").begin_object().field("input_tokens", input_tokens).field("output_tokens", output_tokens);
  j.field("total_tokens", input_tokens + output_tokens).field("cached_tokens", 0).field("thoughts_tokens", 0).end_object();
  j.key("trace");
  if (in.include_tool_calls) {
    j.begin_object().key("tool_calls").begin_array();
    j.begin_object().field("tool", "recall").key("input").begin_object().field("query", query).end_object();
    j.key("output").begin_object().field("count", ranked.size()).end_object();
    j.field("duration_ms", 0).field("iteration", 1).end_object();
    j.end_array().key("llm_calls").begin_array().end_array().end_object();
  } else {
    j.value(nullptr);
  }
  j.end_object();
  return j.take();
}

}  // namespace standin::hindsight
