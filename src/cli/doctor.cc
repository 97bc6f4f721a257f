#include "cli/doctor.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "base/exit_codes.h"
#include "base/json_writer.h"
#include "cli/console.h"
#include "connectors/context.h"
#include "net/checkup.h"
#include "sources/memory_api.h"
#include "state/lock_file.h"
#include "serve/api_settings.h"
#include "targets/registry.h"

namespace memconn {

namespace {

class Doctor {
 public:
  Doctor(const GlobalOptions& g, const DoctorOptions& o) : g_(g), o_(o), console_(make_console(g)) {}
  int run();

 private:
  void add(const std::string& name, CheckLevel level, std::string detail, std::string hint = "") {
    c_.add(name, level, std::move(detail), std::move(hint));
  }
  void check_target(TargetSpec spec);
  void check_connector(const Config& cfg, const ConnectorConfig& conn);
  void check_source(const Config& cfg, const SourceConfig& src);
  void check_files(const CommandPaths& paths);
  void check_file(const std::string& name, const std::string& path, bool holds_content);

  const GlobalOptions& g_;
  const DoctorOptions& o_;
  Console console_;
  EnvLookup env_ = process_env();
  Checkup c_{env_};
};

// Everything a target checks of itself is its own (targets/*/target.cc doctor()).
void Doctor::check_target(TargetSpec spec) {
  TargetEnv env;
  env.console = &console_;
  make_target(std::move(spec), env)->doctor(c_);
}

void Doctor::check_source(const Config& cfg, const SourceConfig& src) {
  std::string origin = cfg.path + " [sources." + src.name + "] ca_file";
  bool memory = src.kind == SourceKind::kMemoryApi;
  add("", CheckLevel::Ok, src.name + ": " + (memory ? "memory-api" : "http-json") + " at " + url_without_credentials(src.url));
  auto key = resolve_section_key(cfg, "sources." + src.name, src.line, src.api_key, src.api_key_file);
  if (!key) {
    add("credentials", CheckLevel::Fail, key.error().message, c_.hints().key);
    return;
  }
  auto parts = c_.reach(src.url, src.ca_file, origin);
  if (!parts) return;
  HttpOptions http = http_options(Tuning{});
  http.timeout = std::chrono::seconds(15);
  http.connect_timeout = std::chrono::seconds(10);
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
  if (!resp.transport_ok) return c_.transport_failure(*parts, resp, src.url);
  c_.connected(*parts, resp, src.url, src.ca_file, origin);
  c_.clock(resp);
  if (resp.status == 401 || resp.status == 403) {
    add("credentials", CheckLevel::Fail, "the source refused the key (HTTP " + std::to_string(resp.status) + ")" +
                                        (key->empty() ? ": none was given" : ""),
        c_.hints().key);
    return;
  }
  if (resp.status / 100 != 2) {
    add("read", CheckLevel::Fail, "GET " + url_path_for_log(req.url) + " answered HTTP " + std::to_string(resp.status) + ": " +
                                 error_message(resp),
        memory && resp.status == 404 ? "check context in [sources." + src.name + "]" : "check url in [sources." + src.name + "]");
    return;
  }
  add("credentials", CheckLevel::Ok, key->empty() ? "no key set; the source answers anonymous requests" : "key accepted");
  add("read", CheckLevel::Ok, memory ? "context " + src.context + " readable" : "the list endpoint answered");
}

void Doctor::check_connector(const Config& cfg, const ConnectorConfig& conn) {
  add("connector", CheckLevel::Ok, conn.name + ": " + conn.source + " -> " + conn.target);
  c_.enter("source.", CheckHints::for_section("sources." + conn.source));
  check_source(cfg, cfg.sources.at(conn.source));
  const TargetConfig& tgt = cfg.targets.at(conn.target);
  c_.enter("target.", CheckHints::for_section("targets." + tgt.name));
  auto spec = configured_target_spec(cfg, tgt);
  if (!spec) add("credentials", CheckLevel::Fail, spec.error().message, c_.hints().key);
  else check_target(std::move(*spec));
  c_.leave();
}

void Doctor::check_file(const std::string& name, const std::string& path, bool holds_content) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    std::error_code ec;
    auto dir = std::filesystem::path(path).parent_path();
    if (dir.empty()) dir = ".";
    // The nearest existing ancestor must be writable for memconn to create the file.
    while (!dir.empty() && !std::filesystem::exists(dir, ec)) dir = dir.parent_path();
    if (dir.empty() || ::access(dir.c_str(), W_OK) == 0) add(name, CheckLevel::Ok, path + " (not created yet)");
    else add(name, CheckLevel::Fail, path + ": cannot be created (" + dir.string() + " is not writable)", "pass --state FILE in a writable place");
    return;
  }
  if (::access(path.c_str(), R_OK | W_OK) != 0) {
    add(name, CheckLevel::Fail, path + " is not readable and writable by this user", "fix its owner or mode (chmod 600)");
    return;
  }
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  if (holds_content && (st.st_mode & 077))
    add(name, CheckLevel::Warn, path + " mode " + mode + ": other users can read it", "it holds item text: chmod 600 " + path);
  else add(name, CheckLevel::Ok, path + " (mode " + std::string(mode) + ")");
}

void Doctor::check_files(const CommandPaths& paths) {
  check_file("state", paths.state, false);
  check_file("dead-letters", paths.dead_letter, true);
  const std::string& lock_path = paths.lock;
  if (!std::filesystem::exists(lock_path)) {
    add("lock", CheckLevel::Ok, lock_path + " (free)");
    return;
  }
  auto lock = FileLock::acquire(lock_path, false);
  if (lock) add("lock", CheckLevel::Ok, lock_path + " (free)");
  else if (lock.error().exit_code == exit_code::kLocked) add("lock", CheckLevel::Warn, lock.error().message, "a run is in progress; new runs exit 75 (or pass --wait-lock)");
  else add("lock", CheckLevel::Fail, lock.error().message, "fix the permissions of " + lock_path);
}

int Doctor::run() {
  auto setup = CommandSetup::open(g_, env_);
  if (!setup) {
    // Like every command: a config that cannot be read is one error line and exit 3, since
    // no later check would mean anything.
    Console console = make_console(g_);
    console.error(setup.error().message);
    return setup.error().exit_code;
  }
  {
    const Config* cfg = &setup->config();
    const CommandPaths& paths = setup->paths();
    std::string named = paths.config_origin == "default" ? "" : " (from " + paths.config_origin + ")";
    add("config", CheckLevel::Ok,
        paths.config_exists ? paths.config + named : "no config file at " + paths.config + " (flags and environment only)");
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
      if (!hs) add("target", CheckLevel::Fail, hs.error().message, "fix the setting it names");
      else check_target(default_target_spec(*hs));
    }
    check_files(paths);
    // `memconn serve`'s settings, when the config has an [api] table.
    for (const auto& c : check_api_settings(*cfg, env_))
      add(c.name, c.level == ApiCheck::Level::Ok     ? CheckLevel::Ok
                  : c.level == ApiCheck::Level::Warn ? CheckLevel::Warn
                                                     : CheckLevel::Fail,
          c.detail, c.hint);
  }
  bool failed = c_.failed();
  const int code = failed ? exit_code::kPartial : exit_code::kOk;
  if (g_.json) {
    std::string s;
    JsonWriter w(s);
    w.begin_object().envelope("doctor", failed ? "fail" : "ok", code).key("checks").begin_array();
    for (const auto& c : c_.checks()) {
      w.begin_object().key("name").value(c.name).key("status").value(check_level_name(c.level)).key("detail").value(c.detail);
      w.key("hint");
      if (c.hint.empty()) w.null();
      else w.value(c.hint);
      w.end_object();
    }
    w.end_array().end_object();
    std::cout << s << std::endl;
  } else {
    for (const auto& c : c_.checks()) {
      std::string name = c.name;
      name.resize(std::max<size_t>(name.size() + 1, 13), ' ');
      std::cout << (c.level == CheckLevel::Ok ? "ok    " : c.level == CheckLevel::Warn ? "warn  " : "FAIL  ") << name << c.detail;
      if (!c.hint.empty()) std::cout << "  (hint: " << c.hint << ")";
      std::cout << "\n";
    }
    std::cout.flush();
  }
  return code;
}

}  // namespace

int run_doctor(const GlobalOptions& g, const DoctorOptions& o) {
  Doctor d(g, o);
  return d.run();
}

}  // namespace memconn
