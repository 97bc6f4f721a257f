// The API's settings: --listen over [api] listen over 127.0.0.1:8080; the key from [api] key
// or key_file; rate limit, CORS origins, connection limits. resolve_api_settings refuses what
// must not run (a non-loopback address without a key); check_api_settings is what `doctor`
// says about them, one line each.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "serve/listen_address.h"

namespace memconn {

struct ApiSettings {
  ListenAddress listen;
  std::string listen_origin;  // "--listen", "<config>:<line> [api] listen" or "default"
  std::string key;            // "" = no key (loopback only); never printed
  double rate_limit = 50;     // requests per second per client; 0 = off
  int rate_burst = 100;
  std::vector<std::string> cors_origins;
  int max_connections = 512;
  std::chrono::milliseconds idle_timeout{30000};
  size_t max_body = 1 << 20;  // a larger request body is refused (413) unread
};

constexpr const char* kDefaultListen = "127.0.0.1:8080";

// Errors: a bad address (2), a non-loopback address without a key (2), an unreadable or
// empty key file (3).
// env expands ${VAR} in [api] key (an unset variable: exit 3).
Result<ApiSettings> resolve_api_settings(const Config& cfg, const std::optional<std::string>& listen_flag,
                                         const EnvLookup& env);

struct ApiCheck {
  enum class Level { Ok, Warn, Fail };
  std::string name;  // "api.listen", "api.key", ...
  Level level = Level::Ok;
  std::string detail{}, hint{};
};
// Only when the config has an [api] table (an operator meant to run serve).
std::vector<ApiCheck> check_api_settings(const Config& cfg, const EnvLookup& env);

}  // namespace memconn
