// recall/reflect --connector NAME: ask the target a connector writes to. A Hindsight
// target goes through the normal recall/reflect path with that target's url, bank and key;
// a LightRAG target is asked through /query/data (recall: retrieved chunks, no LLM answer)
// and /query (reflect: a composed answer with references).
#pragma once
#include <string>
#include <vector>

#include "cli/query.h"
#include "config/config.h"
#include "config/settings.h"

namespace memconn {

struct QueryTarget {
  std::string connector, target;
  TargetKind kind = TargetKind::kHindsight;
  HindsightSettings hindsight;  // kind == kHindsight
  std::string url, api_key;     // kind == kLightrag
  std::string ca_file;          // kind == kLightrag: the target's ca_file
  std::string mode = "mix";     // LightRAG query mode: --mode, else the target's query_mode, else mix
  int64_t max_response_bytes = Tuning{}.max_response_bytes;  // --max-response-bytes, else [defaults]
};

// Loads the config and resolves the connector's target (2: unknown connector; 3: config).
Result<QueryTarget> load_query_target(const GlobalOptions& g, const std::string& connector);

// {"query","mode","include_references":true}
std::string lightrag_query_body(const std::string& query, const std::string& mode);
Result<std::string> render_lightrag_data(const std::string& body);    // /query/data
Result<std::string> render_lightrag_answer(const std::string& body);  // /query

// Flags of recall/reflect that mean nothing to LightRAG, as "--budget, --tags" (empty: none).
std::string hindsight_only_flags(const RecallOptions& o);
std::string hindsight_only_flags(const ReflectOptions& o);

int run_lightrag_recall(const GlobalOptions& g, const QueryTarget& t, const RecallOptions& o);
int run_lightrag_reflect(const GlobalOptions& g, const QueryTarget& t, const ReflectOptions& o);

}  // namespace memconn
