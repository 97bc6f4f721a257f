// Questions to LightRAG (../shared/specs/lightrag-and-memory-api.md §1.4): recall asks
// /query/data (the retrieved chunks, no LLM answer), reflect asks /query (a composed answer
// with references). Bodies and renderings; the request itself goes through Target.
#pragma once
#include <string>

#include "base/result.h"

namespace memconn {

// {"query","mode","include_references":true}
std::string lightrag_query_body(const std::string& query, const std::string& mode);
Result<std::string> render_lightrag_data(const std::string& body);    // /query/data
Result<std::string> render_lightrag_answer(const std::string& body);  // /query

}  // namespace memconn
