// `--listen ADDR:PORT`: where the API listens. Numeric addresses only (and "localhost"), so
// whether it is loopback is decided here, not by a resolver: serve refuses to listen beyond
// loopback without an API key.
#pragma once
#include <string>
#include <string_view>

#include "base/result.h"

namespace memconn {

struct ListenAddress {
  std::string host;  // as bound: "127.0.0.1", "0.0.0.0", "::1"
  int port = 0;      // 0 = any free port (the service says which)
  bool ipv6 = false;
  bool loopback = false;  // 127.0.0.0/8 or ::1
  // "127.0.0.1:8080", "[::1]:8080"
  std::string text() const;
  std::string url() const { return "http://" + text(); }
};

// "127.0.0.1:8080", "0.0.0.0:8080", "[::]:8080", "[::1]:0", "localhost:8080". Errors name
// what is wrong (exit 2).
// `what` names the setting in errors ("--listen", "memconn.toml:3: [api] listen").
Result<ListenAddress> parse_listen_address(std::string_view text, const std::string& what = "--listen");

}  // namespace memconn
