#include "config/settings.h"

#include <cstdlib>

#include <filesystem>
#include <iostream>

#include "state/atomic_file.h"
#include "base/duration.h"
#include "base/exit_codes.h"

namespace memconn {

bool is_http_url(const std::string& url) {
  return (url.rfind("http://", 0) == 0 && url.size() > 7) || (url.rfind("https://", 0) == 0 && url.size() > 8);
}

std::string user_agent() { return std::string("memconn/") + MEMCONN_VERSION; }


Result<Config> load_settings_config(const GlobalOptions& g, const EnvLookup& env, bool resolve_secrets) {
  if (g.config_path) return load_config(*g.config_path, env, resolve_secrets);
  std::string path = default_config_path(env);
  if (file_exists(path)) {
    auto cfg = load_config(path, env, resolve_secrets);
    if (cfg)
      if (auto note = migrate_default_state(g, *cfg, env)) std::cerr << "memconn: " << *note << std::endl;
    return cfg;
  }
  // A config named by MEMCONN_CONFIG is as explicit as --config: ignoring a typo there would
  // move the state beside a file that does not exist and re-send everything.
  if (auto named = env("MEMCONN_CONFIG"); named && !named->empty())
    return Error{"MEMCONN_CONFIG names " + *named + ", which does not exist (unset it to use the default " +
                     default_config_path([&](const std::string& k) -> std::optional<std::string> {
                       if (k == "MEMCONN_CONFIG") return std::nullopt;
                       return env(k);
                     }) +
                     ")",
                 exit_code::kConfig};
  Config empty;
  empty.path = path;  // a state file from before XDG state lives beside where the config would be
  if (auto note = migrate_default_state(g, empty, env)) std::cerr << "memconn: " << *note << std::endl;
  return empty;
}

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

namespace {

// $XDG_STATE_HOME/memconn, else ~/.local/state/memconn; nullopt without either.
std::optional<std::string> xdg_state_dir(const EnvLookup& env) {
  if (auto x = env("XDG_STATE_HOME"); x && !x->empty() && x->front() == '/') return *x + "/memconn";
  if (auto h = env("HOME"); h && !h->empty()) return *h + "/.local/state/memconn";
  return std::nullopt;
}

bool config_named(const GlobalOptions& g, const EnvLookup& env) {
  auto m = env("MEMCONN_CONFIG");
  return g.config_path || (m && !m->empty());
}

}  // namespace

std::string resolve_state_path(const GlobalOptions& g, const Config& cfg, const EnvLookup& env) {
  if (g.state_path) return *g.state_path;
  if (cfg.state.path) return *cfg.state.path;
  // A named config (--config, MEMCONN_CONFIG) is a deployment of its own: its state lives
  // beside it. The default one's state lives where XDG puts state.
  if (!config_named(g, env))
    if (auto dir = xdg_state_dir(env)) return *dir + "/state.json";
  return (std::filesystem::path(cfg.dir()) / "state.json").string();
}

std::optional<std::string> migrate_default_state(const GlobalOptions& g, const Config& cfg, const EnvLookup& env) {
  if (g.state_path || cfg.state.path || config_named(g, env)) return std::nullopt;
  auto dir = xdg_state_dir(env);
  if (!dir) return std::nullopt;
  namespace fs = std::filesystem;
  fs::path old_dir = cfg.dir(), new_dir = *dir;
  std::error_code ec;
  if (!fs::exists(old_dir / "state.json", ec) || fs::exists(new_dir / "state.json", ec)) return std::nullopt;
  if (fs::equivalent(old_dir, new_dir, ec)) return std::nullopt;
  fs::create_directories(new_dir, ec);
  if (ec) return "note: cannot create " + new_dir.string() + " (" + ec.message() + "); the state stays in " + old_dir.string();
  fs::permissions(new_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  // The state file last: a run that finds it moved finds everything that goes with it.
  for (const char* name : {"state.json.files", "state.json.docs", "state.json.journal", "state.json.journal.old",
                           "dead-letter.jsonl", "state.json"}) {
    if (!fs::exists(old_dir / name, ec)) continue;
    fs::rename(old_dir / name, new_dir / name, ec);
    if (ec)
      return "note: cannot move the state from " + old_dir.string() + " to " + new_dir.string() + " (" + ec.message() +
             "); move it by hand, or keep it with [state] path";
  }
  fs::remove(old_dir / "state.json.lock", ec);
  return "note: the state moved from " + old_dir.string() + " to " + new_dir.string() +
         " (where XDG keeps state; memconn state show lists every path). This note is shown once.";
}

std::string dead_letter_path_for(const std::string& state_path) {
  // Named after its state file, so two state files in one folder never share dead letters:
  // state.json -> dead-letter.jsonl (as always), state.shard-0-of-2.json ->
  // dead-letter.shard-0-of-2.jsonl, team.json -> team.dead-letter.jsonl.
  auto p = std::filesystem::path(state_path);
  std::string stem = p.stem().string();
  std::string name = stem.rfind("state", 0) == 0 ? "dead-letter" + stem.substr(5) + ".jsonl" : stem + ".dead-letter.jsonl";
  return (p.parent_path() / name).string();
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
