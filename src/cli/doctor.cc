#include "cli/doctor.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "cli/console.h"
#include "connectors/context.h"
#include "sources/memory_api.h"
#include "targets/lightrag.h"
#include "base/exit_codes.h"
#include "base/json_writer.h"
#include "net/probe.h"
#include "state/lock_file.h"
#include "targets/hindsight_probe.h"

namespace memconn {

namespace {

enum class Level { Ok, Warn, Fail };

struct Check {
  std::string name;
  Level level = Level::Ok;
  std::string detail, hint;
};

const char* level_name(Level l) { return l == Level::Ok ? "ok" : l == Level::Warn ? "warn" : "fail"; }

// Where each hint points: the global Hindsight settings, or a connector's config tables.
struct Hints {
  std::string url = "pass --url http(s)://HOST:PORT or set HINDSIGHT_API_URL";
  std::string ca = "--ca-file / HINDSIGHT_CA_FILE / [hindsight] ca_file";
  std::string key = "set the right key with --api-key-file, HINDSIGHT_API_KEY or [hindsight] api_key";
  std::string bank = "pass --bank, set HINDSIGHT_BANK_ID or [hindsight] bank";
};

Hints section_hints(const std::string& section) {
  Hints h;
  h.url = "fix url in [" + section + "]";
  h.ca = "ca_file in [" + section + "]";
  h.key = "set the right api_key / api_key_file in [" + section + "]";
  h.bank = "fix bank in [" + section + "]";
  return h;
}

class Doctor {
 public:
  Doctor(const GlobalOptions& g, const DoctorOptions& o) : g_(g), o_(o) {}
  int run();

 private:
  void add(std::string name, Level level, std::string detail, std::string hint = "") {
    // Inside a connector: "source.connect", "target.credentials"; "" names the side itself.
    std::string full = name.empty() ? prefix_.substr(0, prefix_.size() - 1) : prefix_ + name;
    checks_.push_back(Check{std::move(full), level, std::move(detail), std::move(hint)});
  }
  // URL, DNS, proxy and a readable CA file: the parts of the URL when all passed.
  std::optional<UrlParts> reach(const std::string& url, const std::string& ca_file, const std::string& ca_origin);
  // A request that got no HTTP answer: a TLS or a connect failure, with a hint.
  void transport_failure(const UrlParts& parts, const HttpResponse& resp, const std::string& url);
  void connected(const UrlParts& parts, const HttpResponse& resp, const std::string& url, const std::string& ca_file,
                 const std::string& ca_origin);
  void check_target(const HindsightSettings& hs);
  void check_connector(const Config& cfg, const ConnectorConfig& conn);
  void check_source(const Config& cfg, const SourceConfig& src);
  void check_lightrag(const Config& cfg, const TargetConfig& tgt);
  void check_clock(const HttpResponse& resp);
  void check_files(const std::string& state_path);
  void check_file(const std::string& name, const std::string& path, bool holds_content);

  const GlobalOptions& g_;
  const DoctorOptions& o_;
  EnvLookup env_ = process_env();
  std::vector<Check> checks_;
  std::string prefix_;  // "source." / "target." while checking a connector
  Hints hints_;
};

std::optional<UrlParts> Doctor::reach(const std::string& url, const std::string& ca_file, const std::string& ca_origin) {
  auto parts = split_url(url);
  if (!parts) {
    add("url", Level::Fail, parts.error().message, hints_.url);
    return std::nullopt;
  }
  auto addrs = resolve_host(parts->host);
  if (!addrs) {
    add("dns", Level::Fail, addrs.error().message, "check the host name (" + hints_.url + "), or DNS");
    return std::nullopt;
  }
  std::string list;
  for (const auto& a : *addrs) list += (list.empty() ? "" : ", ") + a;
  add("dns", Level::Ok, parts->host + " -> " + list);
  auto proxy = proxy_for(url, env_);
  if (proxy.variable.empty()) add("proxy", Level::Ok, "none (direct connection)");
  else if (!proxy.bypassed_by.empty()) add("proxy", Level::Ok, proxy.variable + " set, but " + proxy.bypassed_by + " excludes " + parts->host);
  else add("proxy", Level::Ok, "via " + proxy.proxy + " (" + proxy.variable + ")");
  if (!ca_file.empty() && ::access(ca_file.c_str(), R_OK) != 0) {
    add("tls", Level::Fail, "CA file " + ca_file + " (from " + ca_origin + ") cannot be read",
        "point " + hints_.ca + " at a readable PEM bundle");
    return std::nullopt;
  }
  return *parts;
}

void Doctor::transport_failure(const UrlParts& parts, const HttpResponse& resp, const std::string& url) {
  auto proxy = proxy_for(url, env_);
  bool tls = parts.scheme == "https" &&
             (resp.error.find("SSL") != std::string::npos || resp.error.find("certificate") != std::string::npos);
  add(tls ? "tls" : "connect", Level::Fail, resp.error,
      tls ? "a private CA? set " + hints_.ca
          : "is the server running and reachable at " + url_without_credentials(url) + "? (proxy: " +
                (proxy.variable.empty() ? std::string("none") : proxy.variable) + ")");
}

void Doctor::connected(const UrlParts& parts, const HttpResponse& resp, const std::string& url, const std::string& ca_file,
                       const std::string& ca_origin) {
  add("connect", Level::Ok, "HTTP " + std::to_string(resp.status) + " from " + url_without_credentials(url) + " in " +
                                std::to_string(static_cast<int>(resp.seconds * 1000)) + " ms");
  if (parts.scheme == "https")
    add("tls", Level::Ok, "certificate verified with " + (ca_file.empty() ? std::string("the system CA store")
                                                                        : ca_file + " (from " + ca_origin + ")"));
}

void Doctor::check_target(const HindsightSettings& hs) {
  const std::string shown = url_without_credentials(hs.url);
  add(prefix_.empty() ? "target" : "", Level::Ok, "hindsight at " + shown + (hs.bank.empty() ? "" : ", bank " + hs.bank));
  auto parts = reach(hs.url, hs.ca_file, hs.ca_file_origin);
  if (!parts) return;

  HttpOptions http;
  http.timeout = std::chrono::seconds(15);
  http.connect_timeout = std::chrono::seconds(10);
  http.user_agent = user_agent();
  http.headers = hindsight_auth_headers(hs.api_key);
  http.ca_file = hs.ca_file;
  HttpClient client(http, nullptr);
  auto health = hindsight_health(client, hs.url);
  if (!health.transport_ok) return transport_failure(*parts, health, hs.url);
  connected(*parts, health, hs.url, hs.ca_file, hs.ca_file_origin);
  if (health.status == 200) add("health", Level::Ok, one_line(health.body, 100));
  else add("health", Level::Fail, "GET /health answered " + error_message(health), "the server reports itself unhealthy (database?)");
  check_clock(health);

  auto version = hindsight_version(client, hs.url);
  if (!version) {
    add("version", Level::Warn, version.error().message, "an old or non-Hindsight server? memconn speaks API 0.9.1 and newer");
  } else {
    std::string on;
    for (const auto& [f, enabled] : version->features)
      if (enabled) on += (on.empty() ? "" : ",") + f;
    add("version", Level::Ok, "api " + version->api_version + "; features: " + (on.empty() ? "none" : on));
    auto worker = version->features.find("worker");
    if (worker != version->features.end() && !worker->second)
      add("async", Level::Warn, "the server's background worker is off: --async operations will never finish",
          "use plain (sync) ingest, or enable HINDSIGHT_API_WORKER_ENABLED on the server");
    else add("async", Level::Ok, "async retain with operation_id and update_mode supported");
  }

  HttpResponse raw;
  auto exists = hindsight_bank_exists(client, HindsightEndpoint{hs.url, hs.bank}, &raw);
  if (!exists) {
    if (raw.status == 401 || raw.status == 403)
      add("credentials", Level::Fail, "the server refused the key (HTTP " + std::to_string(raw.status) + ")" +
                                          (hs.api_key.empty() ? ": none was given" : ""),
          hints_.key);
    else add("credentials", Level::Fail, exists.error().message, "the bank list could not be read");
    return;
  }
  add("credentials", Level::Ok, hs.api_key.empty() ? "no key set; the server accepts anonymous requests" : "key accepted");
  if (hs.bank.empty()) add("bank", Level::Warn, "no bank configured", hints_.bank);
  else if (*exists) add("bank", Level::Ok, hs.bank + " exists");
  else add("bank", Level::Warn, hs.bank + " does not exist yet", "the first ingest creates it; check the spelling");
}

void Doctor::check_source(const Config& cfg, const SourceConfig& src) {
  prefix_ = "source.";
  hints_ = section_hints("sources." + src.name);
  std::string origin = cfg.path + " [sources." + src.name + "] ca_file";
  bool memory = src.kind == SourceKind::kMemoryApi;
  add("", Level::Ok, src.name + ": " + (memory ? "memory-api" : "http-json") + " at " + url_without_credentials(src.url));
  auto key = resolve_section_key(cfg, "sources." + src.name, src.line, src.api_key, src.api_key_file);
  if (!key) {
    add("credentials", Level::Fail, key.error().message, hints_.key);
    return;
  }
  auto parts = reach(src.url, src.ca_file, origin);
  if (!parts) return;
  HttpOptions http;
  http.timeout = std::chrono::seconds(15);
  http.connect_timeout = std::chrono::seconds(10);
  http.user_agent = user_agent();
  http.ca_file = src.ca_file;
  http.accept_compressed = true;
  HttpRequest req{"GET", src.url, "", {"Accept: application/json"}};
  if (memory) {
    // The smallest real read: one memory of the last day, with the key.
    req.url = memory_api_url(src.url, src.context, 1, "day");
    if (!key->empty()) req.headers.push_back("X-API-KEY: " + *key);
  } else {
    if (!key->empty()) req.headers.push_back(src.auth_header + ": " + src.auth_prefix + *key);
    for (const auto& [h, v] : src.headers) req.headers.push_back(h + ": " + v);
  }
  HttpClient client(http, nullptr);
  auto resp = client.perform(req);
  if (!resp.transport_ok) return transport_failure(*parts, resp, src.url);
  connected(*parts, resp, src.url, src.ca_file, origin);
  check_clock(resp);
  if (resp.status == 401 || resp.status == 403) {
    add("credentials", Level::Fail, "the source refused the key (HTTP " + std::to_string(resp.status) + ")" +
                                        (key->empty() ? ": none was given" : ""),
        hints_.key);
    return;
  }
  if (resp.status / 100 != 2) {
    add("read", Level::Fail, "GET " + url_path_for_log(req.url) + " answered HTTP " + std::to_string(resp.status) + ": " +
                                 error_message(resp),
        memory && resp.status == 404 ? "check context in [sources." + src.name + "]" : "check url in [sources." + src.name + "]");
    return;
  }
  add("credentials", Level::Ok, key->empty() ? "no key set; the source answers anonymous requests" : "key accepted");
  add("read", Level::Ok, memory ? "context " + src.context + " readable" : "the list endpoint answered");
}

void Doctor::check_lightrag(const Config& cfg, const TargetConfig& tgt) {
  std::string origin = cfg.path + " [targets." + tgt.name + "] ca_file";
  add("", Level::Ok, tgt.name + ": lightrag at " + url_without_credentials(tgt.url));
  auto key = resolve_section_key(cfg, "targets." + tgt.name, tgt.line, tgt.api_key, tgt.api_key_file);
  if (!key) {
    add("credentials", Level::Fail, key.error().message, hints_.key);
    return;
  }
  auto parts = reach(tgt.url, tgt.ca_file, origin);
  if (!parts) return;
  HttpOptions http;
  http.timeout = std::chrono::seconds(15);
  http.connect_timeout = std::chrono::seconds(10);
  http.user_agent = user_agent();
  http.ca_file = tgt.ca_file;
  http.headers = lightrag_auth_headers(*key);
  HttpClient client(http, nullptr);
  auto health = client.perform({"GET", lightrag_url(tgt.url, "/health"), "", {}});
  if (!health.transport_ok) return transport_failure(*parts, health, tgt.url);
  connected(*parts, health, tgt.url, tgt.ca_file, origin);
  LightragInfo info;
  if (health.status == 200 && parse_lightrag_health(health.body, info)) {
    add("health", Level::Ok, "LightRAG API " + info.api_version + ", core " + info.core_version +
                                 (info.newer ? " (1.5.x: duplicates answer 409)" : " (0260: duplicates answer 200 duplicated)"));
  } else if (health.status == 200) {
    add("health", Level::Warn, "GET /health answered without api_version/core_version: " + one_line(health.body, 80),
        "a proxy in front of LightRAG, or not LightRAG at all?");
  } else {
    add("health", Level::Fail, "GET /health answered HTTP " + std::to_string(health.status) + ": " + error_message(health),
        "is " + url_without_credentials(tgt.url) + " a LightRAG server?");
  }
  check_clock(health);
  // /health is open by default (WHITELIST_PATHS): the key is tested on a protected route.
  auto resp = client.perform({"GET", lightrag_url(tgt.url, "/documents/pipeline_status"), "", {}});
  if (!resp.transport_ok) return transport_failure(*parts, resp, tgt.url);
  if (resp.status == 401 || resp.status == 403)
    add("credentials", Level::Fail, "LightRAG refused the key (HTTP " + std::to_string(resp.status) + ": " +
                                        error_message(resp) + ")" + (key->empty() ? "; none was given" : ""),
        hints_.key);
  else if (resp.status / 100 != 2)
    add("credentials", Level::Fail, "GET /documents/pipeline_status answered HTTP " + std::to_string(resp.status) + ": " +
                                        error_message(resp),
        "is " + url_without_credentials(tgt.url) + " a LightRAG server?");
  else add("credentials", Level::Ok, key->empty() ? "no key set; the server accepts anonymous requests" : "key accepted");
}

void Doctor::check_connector(const Config& cfg, const ConnectorConfig& conn) {
  add("connector", Level::Ok, conn.name + ": " + conn.source + " -> " + conn.target);
  check_source(cfg, cfg.sources.at(conn.source));
  const TargetConfig& tgt = cfg.targets.at(conn.target);
  prefix_ = "target.";
  hints_ = section_hints("targets." + tgt.name);
  if (tgt.kind == TargetKind::kLightrag) {
    check_lightrag(cfg, tgt);
  } else {
    auto key = resolve_section_key(cfg, "targets." + tgt.name, tgt.line, tgt.api_key, tgt.api_key_file);
    if (!key) add("credentials", Level::Fail, key.error().message, hints_.key);
    else
      check_target(HindsightSettings{tgt.url, *key, tgt.bank, tgt.ca_file,
                                     tgt.ca_file.empty() ? "" : cfg.path + " [targets." + tgt.name + "] ca_file"});
  }
  prefix_.clear();
  hints_ = Hints{};
}

void Doctor::check_clock(const HttpResponse& resp) {
  std::tm tm{};
  if (resp.date.empty() || !strptime(resp.date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) {
    add("clock", Level::Warn, "the server sent no Date header: skew unknown");
    return;
  }
  double skew = std::difftime(std::time(nullptr), timegm(&tm));
  std::string s = std::to_string(static_cast<long>(std::lround(skew))) + " s";
  if (std::fabs(skew) > 60)
    add("clock", Level::Warn, "local clock differs from the server's by " + s,
        "sync the clock (NTP): schedules and time windows use it");
  else add("clock", Level::Ok, "within " + s + " of the server");
}

void Doctor::check_file(const std::string& name, const std::string& path, bool holds_content) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    std::error_code ec;
    auto dir = std::filesystem::path(path).parent_path();
    if (dir.empty()) dir = ".";
    // The nearest existing ancestor must be writable for memconn to create the file.
    while (!dir.empty() && !std::filesystem::exists(dir, ec)) dir = dir.parent_path();
    if (dir.empty() || ::access(dir.c_str(), W_OK) == 0) add(name, Level::Ok, path + " (not created yet)");
    else add(name, Level::Fail, path + ": cannot be created (" + dir.string() + " is not writable)", "pass --state FILE in a writable place");
    return;
  }
  if (::access(path.c_str(), R_OK | W_OK) != 0) {
    add(name, Level::Fail, path + " is not readable and writable by this user", "fix its owner or mode (chmod 600)");
    return;
  }
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  if (holds_content && (st.st_mode & 077))
    add(name, Level::Warn, path + " mode " + mode + ": other users can read it", "it holds item text: chmod 600 " + path);
  else add(name, Level::Ok, path + " (mode " + std::string(mode) + ")");
}

void Doctor::check_files(const std::string& state_path) {
  check_file("state", state_path, false);
  check_file("dead-letters", dead_letter_path_for(state_path), true);
  std::string lock_path = state_path + ".lock";
  if (!std::filesystem::exists(lock_path)) {
    add("lock", Level::Ok, "free");
    return;
  }
  auto lock = FileLock::acquire(lock_path, false);
  if (lock) add("lock", Level::Ok, "free");
  else if (lock.error().exit_code == exit_code::kLocked) add("lock", Level::Warn, lock.error().message, "a run is in progress; new runs exit 75 (or pass --wait-lock)");
  else add("lock", Level::Fail, lock.error().message, "fix the permissions of " + lock_path);
}

int Doctor::run() {
  auto cfg = load_settings_config(g_, env_);
  if (!cfg) {
    // Like every command: a config that cannot be read is one error line and exit 3, since
    // no later check would mean anything.
    Console console = make_console(g_);
    console.error(cfg.error().message);
    return cfg.error().exit_code;
  }
  {
    bool exists = g_.config_path || std::filesystem::exists(cfg->path);
    add("config", Level::Ok, exists ? cfg->path : "no config file at " + cfg->path + " (flags and environment only)");
    if (!o_.connector.empty()) {
      auto conn = find_connector(*cfg, o_.connector);
      if (!conn) {
        Console console = make_console(g_);
        console.error(conn.error().message);
        return conn.error().exit_code;
      }
      check_connector(*cfg, **conn);
    } else {
      auto hs = resolve_hindsight(g_, *cfg, env_, false);
      if (!hs) add("target", Level::Fail, hs.error().message, "fix the setting it names");
      else check_target(*hs);
    }
    check_files(resolve_state_path(g_, *cfg, env_));
  }
  bool failed = std::any_of(checks_.begin(), checks_.end(), [](const Check& c) { return c.level == Level::Fail; });
  if (g_.json) {
    std::string s;
    JsonWriter w(s);
    w.begin_object().key("result").value(failed ? "fail" : "ok").key("checks").begin_array();
    for (const auto& c : checks_) {
      w.begin_object().key("name").value(c.name).key("status").value(level_name(c.level)).key("detail").value(c.detail);
      w.key("hint");
      if (c.hint.empty()) w.null();
      else w.value(c.hint);
      w.end_object();
    }
    w.end_array().end_object();
    std::cout << s << std::endl;
  } else {
    for (const auto& c : checks_) {
      std::string name = c.name;
      name.resize(std::max<size_t>(name.size() + 1, 13), ' ');
      std::cout << (c.level == Level::Ok ? "ok    " : c.level == Level::Warn ? "warn  " : "FAIL  ") << name << c.detail;
      if (!c.hint.empty()) std::cout << "  (hint: " << c.hint << ")";
      std::cout << "\n";
    }
    std::cout.flush();
  }
  return failed ? exit_code::kPartial : exit_code::kOk;
}

}  // namespace

int run_doctor(const GlobalOptions& g, const DoctorOptions& o) {
  Doctor d(g, o);
  return d.run();
}

}  // namespace memconn
