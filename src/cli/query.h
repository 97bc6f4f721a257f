// `memconn recall` and `memconn reflect`: ask the Hindsight bank of the flags and config, or
// a connector's target (whatever its kind: targets/target.h prepare_query).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "config/settings.h"

namespace memconn {

struct RecallOptions {
  std::string query;
  std::string budget;  // low | mid | high; empty = server default
  std::optional<int> max_tokens;
  std::vector<std::string> types;
  std::vector<std::string> tags;
  std::string tags_match;
  std::string query_timestamp;
  bool include_chunks = false;
  std::string connector;  // ask this connector's target instead of [hindsight]
  std::string mode;       // LightRAG targets: local|global|hybrid|naive|mix|bypass
  std::optional<std::string> timeout;  // --timeout: overrides [defaults] timeout
  std::optional<int64_t> max_response_bytes;  // --max-response-bytes
};

struct ReflectOptions {
  std::string query;
  std::string budget;
  std::optional<int> max_tokens;
  std::string context;
  std::vector<std::string> tags;
  std::string tags_match;
  bool include_facts = false;
  std::string schema_file;
  std::string connector;
  std::string mode;
  std::optional<std::string> timeout;  // --timeout: overrides [defaults] timeout
  std::optional<int64_t> max_response_bytes;
};

int run_recall(const GlobalOptions& g, const RecallOptions& o);
int run_reflect(const GlobalOptions& g, const ReflectOptions& o);

}  // namespace memconn
