// LightRAG /query and /query/data without an LLM: chunks are the processed documents that
// share the most words with the query.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lightrag_store.h"
#include "validation.h"

namespace standin::lightrag {

struct QueryInput {
  std::string query;
  std::string mode = "mix";
  bool only_need_context = false;
  bool only_need_prompt = false;
  long long top_k = 40;
  long long chunk_top_k = 20;
  bool include_references = true;
  bool include_chunk_content = false;
};

bool parse_query(simdjson::dom::parser& parser, const std::string& body, QueryInput& out, Violations& errs);
std::string query_response(const std::vector<Doc>& docs, const QueryInput& in);
std::string query_data_response(const std::vector<Doc>& docs, const QueryInput& in);

}  // namespace standin::lightrag
