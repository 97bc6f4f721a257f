#include "cli/doctor.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "cli/console.h"
#include "core/exit_codes.h"
#include "core/json_writer.h"
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

class Doctor {
 public:
  explicit Doctor(const GlobalOptions& g) : g_(g) {}
  int run();

 private:
  void add(std::string name, Level level, std::string detail, std::string hint = "") {
    checks_.push_back(Check{std::move(name), level, std::move(detail), std::move(hint)});
  }
  void check_target(const HindsightSettings& hs);
  void check_clock(const HttpResponse& resp);
  void check_files(const std::string& state_path);
  void check_file(const std::string& name, const std::string& path, bool holds_content);

  const GlobalOptions& g_;
  EnvLookup env_ = process_env();
  std::vector<Check> checks_;
};

void Doctor::check_target(const HindsightSettings& hs) {
  const std::string shown = url_without_credentials(hs.url);
  auto parts = split_url(hs.url);
  if (!parts) {
    add("url", Level::Fail, parts.error().message, "pass --url http(s)://HOST:PORT or set HINDSIGHT_API_URL");
    return;
  }
  add("target", Level::Ok, "hindsight at " + shown + (hs.bank.empty() ? "" : ", bank " + hs.bank));
  auto addrs = resolve_host(parts->host);
  if (!addrs) {
    add("dns", Level::Fail, addrs.error().message, "check the host name in --url / HINDSIGHT_API_URL, or DNS");
    return;
  }
  std::string list;
  for (const auto& a : *addrs) list += (list.empty() ? "" : ", ") + a;
  add("dns", Level::Ok, parts->host + " -> " + list);

  auto proxy = proxy_for(hs.url, env_);
  if (proxy.variable.empty()) add("proxy", Level::Ok, "none (direct connection)");
  else if (!proxy.bypassed_by.empty()) add("proxy", Level::Ok, proxy.variable + " set, but " + proxy.bypassed_by + " excludes " + parts->host);
  else add("proxy", Level::Ok, "via " + proxy.proxy + " (" + proxy.variable + ")");

  if (!hs.ca_file.empty() && ::access(hs.ca_file.c_str(), R_OK) != 0) {
    add("tls", Level::Fail, "CA file " + hs.ca_file + " (from " + hs.ca_file_origin + ") cannot be read",
        "point --ca-file / HINDSIGHT_CA_FILE / [hindsight] ca_file at a readable PEM bundle");
    return;
  }

  HttpOptions http;
  http.timeout = std::chrono::seconds(15);
  http.connect_timeout = std::chrono::seconds(10);
  http.user_agent = user_agent();
  http.headers = hindsight_auth_headers(hs.api_key);
  http.ca_file = hs.ca_file;
  HttpClient client(http, nullptr);
  auto health = hindsight_health(client, hs.url);
  if (!health.transport_ok) {
    bool tls = parts->scheme == "https" &&
               (health.error.find("SSL") != std::string::npos || health.error.find("certificate") != std::string::npos);
    add(tls ? "tls" : "connect", Level::Fail, health.error,
        tls ? "a private CA? pass --ca-file (or HINDSIGHT_CA_FILE, [hindsight] ca_file)"
            : "is the server running and reachable at " + shown + "? (proxy: " +
                  (proxy.variable.empty() ? std::string("none") : proxy.variable) + ")");
    return;
  }
  add("connect", Level::Ok, "HTTP " + std::to_string(health.status) + " from " + shown + " in " +
                                std::to_string(static_cast<int>(health.seconds * 1000)) + " ms");
  if (parts->scheme == "https")
    add("tls", Level::Ok, "certificate verified with " + (hs.ca_file.empty() ? std::string("the system CA store")
                                                                           : hs.ca_file + " (from " + hs.ca_file_origin + ")"));
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
          "set the right key with --api-key-file, HINDSIGHT_API_KEY or [hindsight] api_key");
    else add("credentials", Level::Fail, exists.error().message, "the bank list could not be read");
    return;
  }
  add("credentials", Level::Ok, hs.api_key.empty() ? "no key set; the server accepts anonymous requests" : "key accepted");
  if (hs.bank.empty()) add("bank", Level::Warn, "no bank configured", "pass --bank, set HINDSIGHT_BANK_ID or [hindsight] bank");
  else if (*exists) add("bank", Level::Ok, hs.bank + " exists");
  else add("bank", Level::Warn, hs.bank + " does not exist yet", "the first ingest creates it; check the spelling");
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
    auto hs = resolve_hindsight(g_, *cfg, env_, false);
    if (!hs) add("target", Level::Fail, hs.error().message, "fix the setting it names");
    else check_target(*hs);
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

int run_doctor(const GlobalOptions& g, const DoctorOptions&) {
  Doctor d(g);
  return d.run();
}

}  // namespace memconn
