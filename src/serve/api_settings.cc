#include "serve/api_settings.h"

#include "base/exit_codes.h"
#include "base/duration.h"

namespace memconn {

namespace {

std::string where(const Config& cfg, const std::string& key) {
  return cfg.path + ":" + std::to_string(cfg.api.line) + ": [api] " + key;
}

Result<std::string> api_key(const Config& cfg, const EnvLookup& env) {
  if (cfg.api.key) {
    auto k = expand_env(*cfg.api.key, env);
    if (!k) return Error{where(cfg, "key") + ": " + k.error().message, exit_code::kConfig};
    return clean_api_key(*k, where(cfg, "key"));
  }
  if (cfg.api.key_file) {
    auto k = read_api_key_file(*cfg.api.key_file);
    if (!k) return Error{where(cfg, "key_file") + ": " + k.error().message, exit_code::kConfig};
    return *k;
  }
  return std::string();
}

}  // namespace

Result<ApiSettings> resolve_api_settings(const Config& cfg, const std::optional<std::string>& listen_flag,
                                         const EnvLookup& env) {
  ApiSettings s;
  std::string text = kDefaultListen;
  s.listen_origin = "default";
  if (listen_flag) {
    text = *listen_flag;
    s.listen_origin = "--listen";
  } else if (cfg.api.listen) {
    text = *cfg.api.listen;
    s.listen_origin = where(cfg, "listen");
  }
  auto addr = parse_listen_address(text, s.listen_origin);
  if (!addr) return addr.error();
  s.listen = *addr;
  auto key = api_key(cfg, env);
  if (!key) return key.error();
  s.key = *key;
  if (!s.listen.loopback && s.key.empty())
    return Error{"serve: refusing to listen on " + s.listen.text() + " (from " + s.listen_origin +
                     ") without an API key: set [api] key (e.g. \"${MEMCONN_API_KEY}\") or listen on 127.0.0.1",
                 exit_code::kUsage};
  if (cfg.api.rate_limit) s.rate_limit = *cfg.api.rate_limit;
  if (cfg.api.rate_burst) s.rate_burst = *cfg.api.rate_burst;
  s.cors_origins = cfg.api.cors_origins;
  if (cfg.api.max_connections) s.max_connections = *cfg.api.max_connections;
  if (cfg.api.idle_timeout) s.idle_timeout = *cfg.api.idle_timeout;
  return s;
}

std::vector<ApiCheck> check_api_settings(const Config& cfg, const EnvLookup& env) {
  using L = ApiCheck::Level;
  std::vector<ApiCheck> out;
  if (cfg.api.line == 0) return out;
  auto s = resolve_api_settings(cfg, std::nullopt, env);
  if (!s) {
    out.push_back({"api", L::Fail, s.error().message, "fix the [api] setting it names"});
    return out;
  }
  out.push_back({"api.listen", L::Ok,
                 s->listen.text() + (s->listen.loopback ? " (loopback: this machine only)" : " (reachable from the network)")});
  if (s->key.empty()) {
    out.push_back({"api.key", L::Warn, "no key: any local user and process can steer the connectors",
                   "set [api] key = \"${MEMCONN_API_KEY}\" (or key_file)"});
  } else if (s->key.size() < 16) {
    out.push_back({"api.key", L::Warn, "the key is only " + std::to_string(s->key.size()) + " characters long",
                   "use at least 16 random characters, e.g. openssl rand -hex 24"});
  } else {
    out.push_back({"api.key", L::Ok, "set (" + std::to_string(s->key.size()) + " characters)"});
  }
  if (!s->listen.loopback)
    out.push_back({"api.tls", L::Warn, "serve speaks plain HTTP: the key crosses the network in clear",
                   "put a TLS-terminating reverse proxy in front, or listen on loopback"});
  if (s->rate_limit == 0)
    out.push_back({"api.rate_limit", L::Warn, "off: one client can keep the service busy", "set [api] rate_limit, e.g. 50"});
  else
    out.push_back({"api.rate_limit", L::Ok, std::to_string(static_cast<long>(s->rate_limit)) + " requests/s per client, bursts of " +
                                                std::to_string(s->rate_burst)});
  bool any = false;
  for (const auto& o : s->cors_origins) any = any || o == "*";
  if (any)
    out.push_back({"api.cors", L::Warn, "cors_origins allows any web page to call the API from a browser",
                   "name the dashboard's origin instead of \"*\""});
  else
    out.push_back({"api.cors", L::Ok, s->cors_origins.empty() ? "off" : std::to_string(s->cors_origins.size()) + " origin(s)"});
  out.push_back({"api.connections", L::Ok, "at most " + std::to_string(s->max_connections) + ", idle ones closed after " +
                                               format_duration(s->idle_timeout)});
  return out;
}

}  // namespace memconn
