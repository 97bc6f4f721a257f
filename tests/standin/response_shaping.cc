#include "response_shaping.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

namespace standin {

void lose_ack(const httplib::Request&, httplib::Response& res) {
  // Announce the full body, send half of it, then fail the write so httplib closes the
  // connection: the client sees a truncated transfer (curl error 18). Closing before any
  // byte would not do: libcurl silently re-sends a request whose reused connection closes
  // without an answer, so the client would never notice the lost ack.
  auto body = std::make_shared<std::string>(std::move(res.body));
  if (body->size() < 2) *body = "{\"detail\":\"lost acknowledgement\"}";
  std::string type = res.get_header_value("Content-Type");
  res.headers.erase("Content-Type");
  res.body.clear();
  res.set_content_provider(body->size(), type.empty() ? "application/json" : type,
                           [body](size_t offset, size_t, httplib::DataSink& sink) {
                             if (offset == 0) sink.write(body->data(), body->size() / 2);
                             return false;
                           });
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
