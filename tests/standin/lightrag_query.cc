#include "lightrag_query.h"

#include <algorithm>
#include <set>

#include "json_out.h"
#include "text.h"

namespace standin::lightrag {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

struct Hit {
  const Doc* doc;
  size_t matched;
};

std::vector<Hit> search(const std::vector<Doc>& docs, const QueryInput& in) {
  auto words = word_tokens(in.query);
  std::set<std::string> distinct(words.begin(), words.end());
  std::vector<std::string> q(distinct.begin(), distinct.end());
  std::vector<Hit> hits;
  for (const auto& d : docs)
    if (size_t m = overlap(q, d.content)) hits.push_back({&d, m});
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.matched > b.matched; });
  size_t limit = static_cast<size_t>(std::max(1LL, in.chunk_top_k));
  if (hits.size() > limit) hits.resize(limit);
  return hits;
}

std::string file_of(const Doc& d) { return d.file_path.value_or("unknown_source"); }

}  // namespace

bool parse_query(simdjson::dom::parser& parser, const std::string& body, QueryInput& out, Violations& errs) {
  object obj;
  if (!parse_body(parser, body, errs, obj)) return false;
  Loc root{std::string("body")};
  element v;
  // pydantic's default here is extra="ignore": unknown fields are accepted silently.
  if (obj.at_key("query").get(v)) {
    errs.add(root / std::string("query"), "missing", "Field required");
  } else if (read_string(v, root / std::string("query"), errs, out.query)) {
    if (out.query.size() < 3)
      errs.add(root / std::string("query"), "string_too_short", "String should have at least 3 characters", v);
    out.query = strip(out.query);
  }
  if (!obj.at_key("mode").get(v) && !v.is_null())
    read_enum(v, root / std::string("mode"), errs, {"local", "global", "hybrid", "naive", "mix", "bypass"}, out.mode);
  auto opt_bool = [&](const char* key, bool& field) {
    if (!obj.at_key(key).get(v) && !v.is_null()) read_bool(v, root / std::string(key), errs, field);
  };
  opt_bool("only_need_context", out.only_need_context);
  opt_bool("only_need_prompt", out.only_need_prompt);
  opt_bool("include_references", out.include_references);
  opt_bool("include_chunk_content", out.include_chunk_content);
  bool ignored;
  opt_bool("enable_rerank", ignored);
  opt_bool("stream", ignored);
  auto positive = [&](const char* key, long long& field) {
    if (obj.at_key(key).get(v) || v.is_null()) return;
    if (read_int(v, root / std::string(key), errs, field) && field < 1)
      errs.add(root / std::string(key), "greater_than_equal", "Input should be greater than or equal to 1", v);
  };
  positive("top_k", out.top_k);
  positive("chunk_top_k", out.chunk_top_k);
  long long n;
  for (const char* key : {"max_entity_tokens", "max_relation_tokens", "max_total_tokens"}) {
    if (!obj.at_key(key).get(v) && !v.is_null() && read_int(v, root / std::string(key), errs, n) && n < 1)
      errs.add(root / std::string(key), "greater_than_equal", "Input should be greater than or equal to 1", v);
  }
  for (const char* key : {"hl_keywords", "ll_keywords"}) {
    std::vector<std::string> words;
    if (!obj.at_key(key).get(v) && !v.is_null()) read_string_list(v, root / std::string(key), errs, words);
  }
  if (!obj.at_key("conversation_history").get(v) && !v.is_null()) {
    simdjson::dom::array arr;
    if (v.get_array().get(arr)) {
      errs.add(root / std::string("conversation_history"), "list_type", "Input should be a valid list", v);
    } else {
      long long i = 0;
      for (auto msg : arr) {
        std::string_view role;
        if (msg.at_key("role").get_string().get(role) || role.empty())
          errs.add(root / std::string("conversation_history") / i, "value_error",
                   "Value error, Each message must have a non-empty 'role'", msg);
        ++i;
      }
    }
  }
  return errs.empty();
}

std::string query_response(const std::vector<Doc>& docs, const QueryInput& in) {
  auto hits = search(docs, in);
  std::string context;
  for (size_t i = 0; i < hits.size(); ++i)
    context += "[" + std::to_string(i + 1) + "] " + file_of(*hits[i].doc) + ":\n" + hits[i].doc->content + "\n\n";
  std::string response;
  if (hits.empty()) {
    response = "No relevant context found for the query.";
  } else if (in.only_need_context) {
    response = context;
  } else if (in.only_need_prompt) {
    response = "---Role---\nStand-in prompt (no LLM).\n---Context---\n" + context + "---Query---\n" + in.query;
  } else {
    response = "Stand-in answer (no LLM was called): " + std::to_string(hits.size()) +
               " stored document(s) share words with the query.\n\n";
    for (size_t i = 0; i < hits.size(); ++i)
      response += "- " + std::string(utf8_prefix(hits[i].doc->content, 300)) + " [" + std::to_string(i + 1) + "]\n";
  }
  JsonOut j;
  j.begin_object().field("response", response).key("references");
  if (in.include_references && !hits.empty()) {
    j.begin_array();
    for (size_t i = 0; i < hits.size(); ++i) {
      j.begin_object().field("reference_id", std::to_string(i + 1)).field("file_path", file_of(*hits[i].doc));
      if (in.include_chunk_content) j.key("content").begin_array().value(hits[i].doc->content).end_array();
      j.end_object();
    }
    j.end_array();
  } else if (in.include_references) {
    j.begin_array().end_array();
  } else {
    j.value(nullptr);
  }
  j.end_object();
  return j.take();
}

std::string query_data_response(const std::vector<Doc>& docs, const QueryInput& in) {
  auto hits = search(docs, in);
  auto words = word_tokens(in.query);
  JsonOut j;
  if (hits.empty()) {
    // What 0260 answers (200) when retrieval finds nothing: a "failure" with a reason.
    j.begin_object().field("status", "failure").field("message", "Query returned no results");
    j.key("data").begin_object().end_object();
    j.key("metadata").begin_object().field("failure_reason", "no_results").field("query_mode", in.mode);
    return j.end_object().end_object().take();
  }
  j.begin_object().field("status", "success").field("message", "Query executed successfully");
  j.key("data").begin_object();
  j.key("entities").begin_array().end_array();
  j.key("relationships").begin_array().end_array();
  j.key("chunks").begin_array();
  for (size_t i = 0; i < hits.size(); ++i) {
    j.begin_object().field("reference_id", std::to_string(i + 1)).field("content", hits[i].doc->content);
    j.field("file_path", file_of(*hits[i].doc)).field("chunk_id", "chunk-" + hits[i].doc->id.substr(4)).end_object();
  }
  j.end_array().key("references").begin_array();
  for (size_t i = 0; i < hits.size(); ++i)
    j.begin_object().field("reference_id", std::to_string(i + 1)).field("file_path", file_of(*hits[i].doc)).end_object();
  j.end_array().end_object();
  j.key("metadata").begin_object().field("query_mode", in.mode);
  j.key("keywords").begin_object().key("high_level").begin_array().end_array().key("low_level").begin_array();
  for (const auto& w : words) j.value(w);
  j.end_array().end_object();
  j.key("processing_info").begin_object().field("total_chunks_found", hits.size()).field("final_chunks_count", hits.size());
  j.end_object().end_object().end_object();
  return j.take();
}

}  // namespace standin::lightrag
