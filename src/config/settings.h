// Options every command shares, and their layering: flag > environment > config file >
// built-in default. (CLI11 would put the config before the environment, so we layer here.)
#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "config/config.h"
#include "engine/pipeline.h"
#include "net/http_client.h"
#include "base/result.h"

namespace memconn {

struct GlobalOptions {
  std::optional<std::string> config_path;
  std::optional<std::string> url;
  std::optional<std::string> api_key_file;
  std::optional<std::string> bank;
  std::optional<std::string> state_path;
  std::optional<std::string> ca_file;
  bool verbose = false;
  bool quiet = false;
  bool json = false;
  std::string log_format = "text";
};

struct HindsightSettings {
  std::string url;
  std::string api_key;  // never printed
  std::string bank;
  std::string ca_file;         // empty = the system CA store
  std::string ca_file_origin;  // "--ca-file", "HINDSIGHT_CA_FILE" or the config file's key
};

Result<HindsightSettings> resolve_hindsight(const GlobalOptions& g, const Config& cfg, const EnvLookup& env,
                                            bool need_bank);
bool is_http_url(const std::string& url);
std::string user_agent();

// Pipeline tunables shared by ingest, sync and dlq retry: flag > [defaults] > default.
struct Tuning {
  int workers = 4;
  // --workers auto: concurrency found by AIMD (core/adaptive_limit.h), up to max_workers.
  bool adaptive = false;
  int max_workers = 32;
  int batch_size = 10;
  int64_t max_batch_bytes = 1 << 20;
  int retries = 5;
  // A sync retain answers only after the server's LLM has extracted facts from every item
  // (Hindsight's own CLI waits 120 s for one item); a batch needs longer. Cutting it short
  // makes the server pay for the extraction again on each re-send.
  std::chrono::milliseconds timeout{300000};
  std::chrono::milliseconds connect_timeout{10000};
  double rate = 0;
  int breaker_failures = 10;
  int same_failure_limit = 10;
  std::chrono::milliseconds max_outage{300000};
  std::chrono::milliseconds drain_timeout{10000};
  int64_t max_response_bytes = int64_t{64} << 20;  // a longer reply is an error, never buffered
  int64_t max_line_bytes = int64_t{8} << 20;       // a longer input line is dead-lettered unread
};

// The pipeline settings every sending command derives from its tuning the same way.
PipelineOptions pipeline_options(const Tuning& t);

struct TuningFlags {
  std::optional<std::string> workers;  // a number, or "auto"
  std::optional<int> max_workers, batch_size, retries, breaker_failures, same_failure_limit;
  std::optional<int64_t> max_batch_bytes, max_response_bytes, max_line_bytes;
  std::optional<double> rate;
  std::optional<std::string> timeout, max_outage, drain_timeout;
};

Result<Tuning> resolve_tuning(const TuningFlags& flags, const Defaults& defaults);

// HTTP options every request to a source or target starts from: the tuning's timeouts and
// reply cap, memconn's user agent. The target or source adds its auth headers and CA file.
HttpOptions http_options(const Tuning& t);

// A config table's key: api_key, or the first line of api_key_file, or "" (no key). A missing
// or empty key file is a config error naming the section's file:line.
Result<std::string> resolve_section_key(const Config& cfg, const std::string& section, int line,
                                        const std::optional<std::string>& api_key,
                                        const std::optional<std::string>& api_key_file);

}  // namespace memconn
