#include "config/settings.h"

#include <cstdlib>


#include "base/duration.h"
#include "base/exit_codes.h"

namespace memconn {

bool is_http_url(const std::string& url) {
  return (url.rfind("http://", 0) == 0 && url.size() > 7) || (url.rfind("https://", 0) == 0 && url.size() > 8);
}

std::string user_agent() { return std::string("memconn/") + MEMCONN_VERSION; }


Result<HindsightSettings> resolve_hindsight(const GlobalOptions& g, const Config& cfg, const EnvLookup& env,
                                            bool need_bank) {
  HindsightSettings s;
  if (g.url) {
    if (!is_http_url(*g.url)) return Error{"--url: not an http(s) URL: \"" + *g.url + "\"", exit_code::kUsage};
    s.url = *g.url;
  } else if (auto e = env("HINDSIGHT_API_URL"); e && !e->empty()) {
    if (!is_http_url(*e)) return Error{"HINDSIGHT_API_URL: not an http(s) URL: \"" + *e + "\"", exit_code::kUsage};
    s.url = *e;
  } else if (cfg.hindsight.url) {
    s.url = *cfg.hindsight.url;
  } else {
    s.url = "http://localhost:8888";
  }
  while (!s.url.empty() && s.url.back() == '/') s.url.pop_back();

  if (g.api_key_file) {
    auto k = read_api_key_file(*g.api_key_file);
    if (!k) return Error{"--api-key-file: " + k.error().message, exit_code::kUsage};
    s.api_key = *k;
  } else if (auto e = env("HINDSIGHT_API_KEY"); e && !e->empty()) {
    auto k = clean_api_key(*e, "HINDSIGHT_API_KEY");
    if (!k) return k.error();
    s.api_key = *k;
  } else if (cfg.hindsight.api_key) {
    auto k = clean_api_key(*cfg.hindsight.api_key, cfg.path + ":" + std::to_string(cfg.hindsight.line) + ": api_key");
    if (!k) return k.error();
    s.api_key = *k;
  } else if (cfg.hindsight.api_key_file) {
    auto k = read_api_key_file(*cfg.hindsight.api_key_file);
    if (!k) return Error{cfg.path + ":" + std::to_string(cfg.hindsight.line) + ": api_key_file: " + k.error().message,
                         exit_code::kConfig};
    s.api_key = *k;
  }

  if (g.ca_file) s.ca_file = *g.ca_file, s.ca_file_origin = "--ca-file";
  else if (auto e = env("HINDSIGHT_CA_FILE"); e && !e->empty()) s.ca_file = *e, s.ca_file_origin = "HINDSIGHT_CA_FILE";
  else if (cfg.hindsight.ca_file) s.ca_file = *cfg.hindsight.ca_file, s.ca_file_origin = cfg.path + " [hindsight] ca_file";

  if (g.bank) s.bank = *g.bank;
  else if (auto e = env("HINDSIGHT_BANK_ID"); e && !e->empty()) s.bank = *e;
  else if (cfg.hindsight.bank) s.bank = *cfg.hindsight.bank;
  if (need_bank && s.bank.empty())
    return Error{"no bank given: pass --bank NAME, set HINDSIGHT_BANK_ID, or set [hindsight] bank in the config",
                 exit_code::kUsage};
  return s;
}

Result<Tuning> resolve_tuning(const TuningFlags& f, const Defaults& d) {
  Tuning t;
  auto pick = [](auto& dst, const auto& flag, const auto& cfg) {
    if (flag) dst = *flag;
    else if (cfg) dst = *cfg;
  };
  if (f.workers && *f.workers == "auto") {
    t.adaptive = true;
  } else if (f.workers) {
    char* end = nullptr;
    long n = std::strtol(f.workers->c_str(), &end, 10);
    if (f.workers->empty() || *end != '\0' || n < 1 || n > 256)
      return Error{"--workers must be a number between 1 and 256, or auto", exit_code::kUsage};
    t.workers = static_cast<int>(n);
  } else if (d.workers) {
    t.workers = *d.workers;
  } else {
    t.adaptive = true;  // the default: bench/workers_auto.sh and docs/performance.md
  }
  if (f.max_workers) {
    if (*f.max_workers < 1 || *f.max_workers > 256)
      return Error{"--max-workers must be between 1 and 256", exit_code::kUsage};
    if (!t.adaptive) return Error{"--max-workers does not apply to a fixed worker count", exit_code::kUsage};
    t.max_workers = *f.max_workers;
  }
  if (t.adaptive) t.workers = t.max_workers;
  pick(t.batch_size, f.batch_size, d.batch_size);
  pick(t.retries, f.retries, d.retries);
  pick(t.breaker_failures, f.breaker_failures, d.breaker_failures);
  pick(t.same_failure_limit, f.same_failure_limit, d.same_failure_limit);
  pick(t.max_batch_bytes, f.max_batch_bytes, d.max_batch_bytes);
  pick(t.rate, f.rate, d.rate);
  pick(t.max_response_bytes, f.max_response_bytes, d.max_response_bytes);
  pick(t.max_line_bytes, f.max_line_bytes, d.max_line_bytes);
  if (d.timeout) t.timeout = *d.timeout;
  if (d.connect_timeout) t.connect_timeout = *d.connect_timeout;
  if (d.max_outage) t.max_outage = *d.max_outage;
  if (d.drain_timeout) t.drain_timeout = *d.drain_timeout;
  auto dur = [](const char* flag, const std::optional<std::string>& v, std::chrono::milliseconds& dst) -> Status {
    if (!v) return ok_status();
    auto r = parse_duration(*v);
    if (!r) return Error{std::string(flag) + ": " + r.error().message, exit_code::kUsage};
    dst = *r;
    return ok_status();
  };
  if (auto s = dur("--timeout", f.timeout, t.timeout); !s) return s.error();
  if (auto s = dur("--max-outage", f.max_outage, t.max_outage); !s) return s.error();
  if (auto s = dur("--drain-timeout", f.drain_timeout, t.drain_timeout); !s) return s.error();
  // libcurl reads 0 as "no timeout at all": a hung server would hold the run forever.
  if (t.timeout.count() <= 0) return Error{"--timeout must be greater than 0", exit_code::kUsage};
  if (t.workers < 1 || t.workers > 256) return Error{"--workers must be between 1 and 256", exit_code::kUsage};
  if (t.batch_size < 1 || t.batch_size > 1000) return Error{"--batch-size must be between 1 and 1000", exit_code::kUsage};
  if (t.max_batch_bytes < 1024) return Error{"--max-batch-bytes must be at least 1024", exit_code::kUsage};
  if (t.max_response_bytes < 1024) return Error{"--max-response-bytes must be at least 1024", exit_code::kUsage};
  if (t.max_line_bytes < 1) return Error{"--max-line-bytes must be at least 1", exit_code::kUsage};
  if (t.retries < 0 || t.retries > 100) return Error{"--retries must be between 0 and 100", exit_code::kUsage};
  if (t.rate < 0) return Error{"--rate must be >= 0", exit_code::kUsage};
  return t;
}

PipelineOptions pipeline_options(const Tuning& t) {
  PipelineOptions po;
  po.workers = t.workers;
  po.adaptive = t.adaptive;
  po.retries = t.retries;
  po.breaker_failures = t.breaker_failures > 0 ? t.breaker_failures : 1 << 30;  // 0 = no breaker
  po.same_failure_limit = t.same_failure_limit;
  po.max_outage = t.max_outage;
  po.rate = t.rate;
  po.drain_timeout = t.drain_timeout;
  return po;
}

HttpOptions http_options(const Tuning& t) {
  HttpOptions http;
  http.timeout = t.timeout;
  http.connect_timeout = t.connect_timeout;
  http.max_response_bytes = t.max_response_bytes;
  http.user_agent = user_agent();
  return http;
}

Result<std::string> resolve_section_key(const Config& cfg, const std::string& section, int line,
                                        const std::optional<std::string>& api_key,
                                        const std::optional<std::string>& api_key_file) {
  if (api_key) return clean_api_key(*api_key, cfg.path + ":" + std::to_string(line) + ": " + section + ".api_key");
  if (!api_key_file) return std::string();
  auto k = read_api_key_file(*api_key_file);
  if (!k) return Error{cfg.path + ":" + std::to_string(line) + ": " + section + ".api_key_file: " + k.error().message,
                       exit_code::kConfig};
  return *k;
}

}  // namespace memconn
