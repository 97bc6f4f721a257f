// The API's HTTP server on libmicrohttpd (docs/architecture.md says why that library): an
// internal epoll thread pool, so idle and slow connections cost a file descriptor, not a
// thread; a total and a per-address connection limit; an idle timeout; bodies capped and
// refused unread. The handler sees plain structs and never a libmicrohttpd type.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "serve/listen_address.h"

namespace memconn {

struct ApiRequest {
  std::string method, path;  // path without the query string
  std::string client;        // the peer's address, e.g. "127.0.0.1"
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool body_too_large = false;  // Content-Length (or the bytes so far) over the cap: body is empty, never read
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

struct ServerLimits {
  size_t max_body = 1 << 20;
  int max_connections = 512;
  // Every connection comes from one address behind a proxy (and all of the tests' from
  // 127.0.0.1): the per-address limit only keeps one client from taking every slot.
  int max_per_address = 256;
  std::chrono::milliseconds idle_timeout{30000};
  int threads = 4;  // each with its own epoll set; a handler blocks only its own
};

class HttpServer {
 public:
  using Handler = std::function<ApiResponse(const ApiRequest&)>;
  // Binds (SO_REUSEADDR) and starts serving on its own threads. Errors name the address and
  // the OS reason (exit 2: choose another --listen).
  static Result<std::unique_ptr<HttpServer>> start(const ListenAddress& at, const ServerLimits& limits, Handler handler);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  // Stops accepting, closes every connection and joins the server's threads; a handler
  // that is running finishes first. Idempotent.
  void stop();

  // For libmicrohttpd's C callbacks only.
  struct Glue;

 private:
  HttpServer() = default;
  Handler handler_;
  ServerLimits limits_;
  int port_ = 0;
  int listen_fd_ = -1;
  void* daemon_ = nullptr;  // MHD_Daemon*
};

}  // namespace memconn
