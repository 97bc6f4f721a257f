#include "serve/listen_address.h"

#include <arpa/inet.h>

#include <algorithm>

#include "base/exit_codes.h"

namespace memconn {

std::string ListenAddress::text() const {
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ListenAddress> parse_listen_address(std::string_view text, const std::string& what) {
  auto bad = [&](const std::string& why) {
    return Error{what + " \"" + std::string(text) + "\": " + why + " (expected ADDR:PORT, e.g. 127.0.0.1:8080)",
                 exit_code::kUsage};
  };
  ListenAddress a;
  std::string_view host, port;
  if (text.starts_with("[")) {
    auto close = text.find("]:");
    if (close == std::string_view::npos) return bad("an IPv6 address needs [brackets] and a :port");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    a.ipv6 = true;
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("no :port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return bad("write an IPv6 address in [brackets]");
  }
  if (host.empty()) return bad("no address");
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return bad("the port is not a number");
  a.port = std::stoi(std::string(port));
  if (a.port > 65535) return bad("the port is above 65535");
  a.host = host == "localhost" ? "127.0.0.1" : std::string(host);
  if (a.ipv6) {
    in6_addr v6{};
    if (inet_pton(AF_INET6, a.host.c_str(), &v6) != 1) return bad("not an IPv6 address");
    a.loopback = IN6_IS_ADDR_LOOPBACK(&v6);
  } else {
    in_addr v4{};
    if (inet_pton(AF_INET, a.host.c_str(), &v4) != 1) return bad("not a numeric IPv4 address (or localhost)");
    a.loopback = (ntohl(v4.s_addr) >> 24) == 127;
  }
  return a;
}

}  // namespace memconn
