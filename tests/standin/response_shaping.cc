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

void huge_body(httplib::Response& res, uint64_t bytes, bool chunked) {
  // {"results":[],"pad":"xxxx...x"}: valid JSON of exactly `bytes` bytes (when that is at
  // least the frame), so a client that buffered it all would even parse it.
  static const std::string kHead = "{\"results\":[],\"pad\":\"", kTail = "\"}";
  uint64_t total = std::max<uint64_t>(bytes, kHead.size() + kTail.size());
  auto piece = [total](size_t offset, size_t length, httplib::DataSink& sink) {
    static const std::string kPad(64 * 1024, 'x');
    size_t n = std::min<size_t>(length, kPad.size());
    bool frame = offset < kHead.size() || offset + n > total - kTail.size();
    if (!frame) return sink.write(kPad.data(), n);  // the common case: padding only
    std::string out(kPad.data(), n);
    for (size_t i = 0; i < n; ++i) {
      uint64_t at = offset + i;
      if (at < kHead.size()) out[i] = kHead[at];
      else if (at >= total - kTail.size()) out[i] = kTail[at - (total - kTail.size())];
    }
    return sink.write(out.data(), out.size());
  };
  res.status = 200;
  if (!chunked) {
    res.set_content_provider(total, "application/json", piece);
    return;
  }
  auto sent = std::make_shared<uint64_t>(0);
  res.set_chunked_content_provider("application/json", [total, sent, piece](size_t, httplib::DataSink& sink) {
    if (*sent >= total) {
      sink.done();
      return true;
    }
    size_t n = static_cast<size_t>(std::min<uint64_t>(total - *sent, 64 * 1024));
    // The same bytes as the sized variant: piece() fills [offset, offset + n).
    if (!piece(static_cast<size_t>(*sent), n, sink)) return false;
    *sent += n;
    return true;
  });
}

}  // namespace standin
