// Network facts `memconn doctor` reports before any request: where a URL's host resolves
// to, and which proxy libcurl will use for it (its standard variables).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace memconn {

struct UrlParts {
  std::string scheme, host;
  int port = 0;
};
// "https://user:pw@[::1]:8443/x" -> {https, ::1, 8443}; the default port when none is given.
Result<UrlParts> split_url(const std::string& url);
// Every address the host resolves to (getaddrinfo), e.g. {"127.0.0.1"}.
Result<std::vector<std::string>> resolve_host(const std::string& host);

struct ProxyChoice {
  std::string variable;  // e.g. "HTTPS_PROXY"; empty = direct
  std::string proxy;     // its value without credentials
  std::string bypassed_by;  // "NO_PROXY" when a proxy is set but the host is excluded
};
// The proxy libcurl picks for url: <scheme>_proxy (lower case first; upper case too except
// HTTP_PROXY, which libcurl ignores), then ALL_PROXY/all_proxy, unless NO_PROXY matches.
ProxyChoice proxy_for(const std::string& url,
                      const std::function<std::optional<std::string>(const std::string&)>& env);

}  // namespace memconn
