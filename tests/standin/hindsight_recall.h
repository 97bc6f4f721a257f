// Recall and reflect without embeddings or an LLM: memories are ranked by how many
// distinct query words they share, after tag/type filtering, and reflect says plainly
// that it only summarises those memories.
#pragma once

#include <string>
#include <vector>

#include "hindsight_requests.h"
#include "hindsight_store.h"

namespace standin::hindsight {

struct Ranked {
  const Document* doc;
  size_t matched;   // distinct query words found
  double score;     // matched / distinct query words
};

std::vector<Ranked> rank(const std::vector<Document>& docs, const std::string& query, const TagFilter& filter);

std::string recall_response(const std::vector<Document>& docs, const RecallInput& in, double elapsed_s);
std::string reflect_response(const std::vector<Document>& docs, const ReflectInput& in);

}  // namespace standin::hindsight
