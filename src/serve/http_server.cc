#include "serve/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/exit_codes.h"

namespace memconn {

namespace {

// One request in progress on one connection (libmicrohttpd calls the handler several times:
// headers, then body pieces, then the end). Owned by the connection; freed on completion.
struct Pending {
  std::string body;
  bool too_large = false;
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

MHD_Result collect_header(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(cls);
  (*headers)[lower(key)] = value ? value : "";
  return MHD_YES;
}

std::string peer(MHD_Connection* c) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!info || !info->client_addr) return "";
  char buf[INET6_ADDRSTRLEN] = {0};
  const sockaddr* sa = info->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  return buf;
}

MHD_Result send(MHD_Connection* c, const ApiResponse& r) {
  MHD_Response* resp =
      MHD_create_response_from_buffer(r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
  if (!resp) return MHD_NO;
  if (!r.content_type.empty()) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type.c_str());
  for (const auto& [k, v] : r.headers) MHD_add_response_header(resp, k.c_str(), v.c_str());
  MHD_Result ok = MHD_queue_response(c, static_cast<unsigned>(r.status), resp);
  MHD_destroy_response(resp);
  return ok;
}

}  // namespace

struct HttpServer::Glue {
  static MHD_Result access(void* cls, MHD_Connection* c, const char* url, const char* method, const char*,
                           const char* upload_data, size_t* upload_data_size, void** con_cls) {
    auto* self = static_cast<HttpServer*>(cls);
    auto* p = static_cast<Pending*>(*con_cls);
    if (!p) {
      // First call: headers only. A declared body over the cap is refused before a byte of
      // it is read; the connection is closed after the answer (its body is never drained).
      p = new Pending();
      *con_cls = p;
      if (const char* cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        char* end = nullptr;
        errno = 0;
        unsigned long long n = std::strtoull(cl, &end, 10);
        if (errno == ERANGE || n > self->limits_.max_body) p->too_large = true;
      }
      if (!p->too_large) return MHD_YES;  // the body (if any) comes in the next calls
    } else if (*upload_data_size != 0) {
      if (!p->too_large && p->body.size() + *upload_data_size <= self->limits_.max_body) {
        p->body.append(upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
      }
      // A chunked body that grew past the cap: no answer can be queued while the body is
      // being received, so the connection is closed.
      return MHD_NO;
    }
    ApiRequest req;
    req.method = method;
    req.path = url;
    req.client = peer(c);
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &req.headers);
    req.body_too_large = p->too_large;
    if (!p->too_large) req.body = std::move(p->body);
    return send(c, self->handler_(req));
  }

  static void completed(void*, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode) {
    delete static_cast<Pending*>(*con_cls);
    *con_cls = nullptr;
  }
};

Result<std::unique_ptr<HttpServer>> HttpServer::start(const ListenAddress& at, const ServerLimits& limits,
                                                      Handler handler) {
  auto fail = [&](const std::string& what) {
    return Error{"serve: cannot listen on " + at.text() + ": " + what, exit_code::kUsage};
  };
  int fd = ::socket(at.ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (at.ipv6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<uint16_t>(at.port));
    inet_pton(AF_INET6, at.host.c_str(), &a->sin6_addr);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<uint16_t>(at.port));
    inet_pton(AF_INET, at.host.c_str(), &a->sin_addr);
    len = sizeof *a;
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 128) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    return fail(why);
  }
  len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  int port = ntohs(at.ipv6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);

  std::unique_ptr<HttpServer> s(new HttpServer());
  s->handler_ = std::move(handler);
  s->limits_ = limits;
  s->port_ = port;
  s->listen_fd_ = fd;
  unsigned timeout_s = static_cast<unsigned>(std::max<long long>(1, limits.idle_timeout.count() / 1000));
  // MHD_USE_ITC lets stop() wake the threads at once; epoll keeps idle connections cheap.
  s->daemon_ = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC, 0, nullptr, nullptr, &Glue::access, s.get(),
      MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(limits.threads),
      MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned>(limits.max_connections),
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, static_cast<unsigned>(limits.max_per_address),
      MHD_OPTION_CONNECTION_TIMEOUT, timeout_s, MHD_OPTION_NOTIFY_COMPLETED, &Glue::completed, nullptr,
      MHD_OPTION_END);
  if (!s->daemon_) {
    ::close(fd);
    s->listen_fd_ = -1;
    return fail("libmicrohttpd did not start");
  }
  return s;
}

void HttpServer::stop() {
  if (daemon_) {
    MHD_stop_daemon(static_cast<MHD_Daemon*>(daemon_));
    daemon_ = nullptr;
  }
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
}

HttpServer::~HttpServer() { stop(); }

}  // namespace memconn
