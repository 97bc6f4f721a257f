#include "net/probe.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>

#include "base/exit_codes.h"
#include "net/http_client.h"

namespace memconn {

Result<UrlParts> split_url(const std::string& url) {
  UrlParts p;
  auto colon = url.find("://");
  if (colon == std::string::npos) return Error{"not a URL: " + url, exit_code::kUsage};
  p.scheme = url.substr(0, colon);
  std::transform(p.scheme.begin(), p.scheme.end(), p.scheme.begin(), ::tolower);
  std::string rest = url.substr(colon + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  std::string port;
  if (!rest.empty() && rest[0] == '[') {
    auto close = rest.find(']');
    if (close == std::string::npos) return Error{"bad IPv6 host in URL: " + url_without_credentials(url), exit_code::kUsage};
    p.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else {
    auto c = rest.find(':');
    p.host = rest.substr(0, c);
    if (c != std::string::npos) port = rest.substr(c + 1);
  }
  if (p.host.empty()) return Error{"no host in URL: " + url_without_credentials(url), exit_code::kUsage};
  p.port = port.empty() ? (p.scheme == "https" ? 443 : 80) : std::atoi(port.c_str());
  return p;
}

Result<std::vector<std::string>> resolve_host(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) return Error{host + ": " + gai_strerror(rc), exit_code::kUnreachable};
  std::vector<std::string> out;
  for (auto* a = res; a; a = a->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* src = a->ai_family == AF_INET ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                                              : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if (::inet_ntop(a->ai_family, src, buf, sizeof buf) && std::find(out.begin(), out.end(), buf) == out.end())
      out.emplace_back(buf);
  }
  ::freeaddrinfo(res);
  return out;
}

namespace {

// NO_PROXY: comma-separated host names or domain suffixes, "*" for everything (libcurl rules).
bool no_proxy_matches(const std::string& list, const std::string& host) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string entry = list.substr(start, end - start);
    entry.erase(0, entry.find_first_not_of(" \t"));
    entry.erase(entry.find_last_not_of(" \t") + 1);
    if (!entry.empty() && entry[0] == '.') entry.erase(0, 1);
    if (entry == "*") return true;
    if (!entry.empty() && (host == entry || (host.size() > entry.size() && host.ends_with("." + entry)))) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

ProxyChoice proxy_for(const std::string& url, const std::function<std::optional<std::string>(const std::string&)>& env) {
  ProxyChoice c;
  auto parts = split_url(url);
  if (!parts) return c;
  std::string lower = parts->scheme + "_proxy", upper = lower;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  std::vector<std::string> names{lower};
  if (parts->scheme != "http") names.push_back(upper);  // libcurl ignores HTTP_PROXY (httpoxy)
  names.push_back("all_proxy");
  names.push_back("ALL_PROXY");
  for (const auto& n : names) {
    if (auto v = env(n); v && !v->empty()) {
      c.variable = n;
      c.proxy = url_without_credentials(*v);
      break;
    }
  }
  if (c.variable.empty()) return c;
  for (const char* n : {"no_proxy", "NO_PROXY"}) {
    if (auto v = env(n); v && !v->empty() && no_proxy_matches(*v, parts->host)) {
      c.bypassed_by = n;
      break;
    }
  }
  return c;
}

}  // namespace memconn
