// Hindsight request bodies, validated against the 0.9.1 OpenAPI schemas (RetainRequest /
// MemoryItem, RecallRequest, ReflectRequest) with unknown fields rejected.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tag_filter.h"
#include "validation.h"

namespace standin::hindsight {

struct EntityInput {
  std::string text;
  std::optional<std::string> type;
};

struct RetainItem {
  std::string content;
  std::optional<std::string> timestamp;  // as sent: ISO-8601 or "unset"; nullopt = null/omitted
  std::optional<std::string> context;
  std::vector<std::pair<std::string, std::string>> metadata;  // null values dropped
  std::optional<std::string> document_id;
  std::vector<EntityInput> entities;
  bool resolve_entities = true;
  std::vector<std::string> tags;
  std::optional<std::string> observation_scopes;  // raw JSON
  std::optional<std::string> strategy;
  std::optional<std::string> update_mode;  // null = replace
};

struct RetainInput {
  std::vector<RetainItem> items;
  bool async = false;
  std::optional<std::vector<std::string>> document_tags;
  std::optional<std::string> operation_id;
};

struct RecallInput {
  std::string query;
  std::optional<std::vector<std::string>> types;
  std::string budget = "mid";
  long long max_tokens = 4096;
  bool trace = false;
  std::optional<std::string> query_timestamp;
  bool include_entities = true;
  bool include_chunks = false;
  long long chunks_max_tokens = 8192;
  TagFilter filter;
  std::optional<double> min_final, min_keyword;
};

struct ReflectInput {
  std::string query;
  std::string budget = "low";
  std::optional<std::string> context;
  long long max_tokens = 4096;
  bool include_facts = false;
  bool include_tool_calls = false;
  std::optional<std::string> response_schema;  // raw JSON object
  TagFilter filter;
  std::optional<std::vector<std::string>> fact_types;
};

bool parse_retain(simdjson::dom::parser& parser, const std::string& body, RetainInput& out, Violations& errs);
bool parse_recall(simdjson::dom::parser& parser, const std::string& body, RecallInput& out, Violations& errs);
bool parse_reflect(simdjson::dom::parser& parser, const std::string& body, ReflectInput& out, Violations& errs);

}  // namespace standin::hindsight
