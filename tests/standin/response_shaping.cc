#include "response_shaping.h"

#include "connections.h"

#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

namespace standin {

void lose_ack(const httplib::Request& req, httplib::Response& res) {
  int fd = find_connection_fd(req.remote_port, req.local_port);
  if (fd >= 0) {
    // Shut down only; httplib still owns (and will close) the descriptor.
    linger lg{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    shutdown(fd, SHUT_RDWR);
  }
  // Belt and braces: should the socket not be found, announce a body that never comes,
  // which the client sees as a truncated transfer.
  res.headers.erase("Content-Type");
  res.body.clear();
  res.set_content_provider(
      size_t{1} << 20, "application/json", [](size_t, size_t, httplib::DataSink&) { return false; });
}

void trickle(httplib::Response& res, int ms) {
  auto body = std::make_shared<std::string>(std::move(res.body));
  std::string type = res.get_header_value("Content-Type");
  res.headers.erase("Content-Type");
  res.body.clear();
  constexpr size_t kPieces = 10;
  size_t piece = std::max<size_t>(1, (body->size() + kPieces - 1) / kPieces);
  auto pause = std::chrono::milliseconds(ms) / kPieces;
  res.set_content_provider(body->size(), type.empty() ? "application/json" : type,
                           [body, piece, pause](size_t offset, size_t length, httplib::DataSink& sink) {
                             std::this_thread::sleep_for(pause);
                             size_t n = std::min(piece, length);
                             return sink.write(body->data() + offset, n);
                           });
}

}  // namespace standin
