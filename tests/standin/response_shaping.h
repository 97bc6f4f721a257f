// Ways of delivering (or not delivering) an already-built response: the "lost ack" and
// the slow body. Both act after the request was fully processed.
#pragma once

#include <httplib.h>

#include <cstdint>

namespace standin {

// Cuts the client's connection mid-body so that it sees a transport error although the
// request was processed: the retry must be idempotent.
void lose_ack(const httplib::Request& req, httplib::Response& res);
// Sends the body in small pieces spread over `ms` milliseconds.
void trickle(httplib::Response& res, int ms);
// A 200 JSON body of `bytes` bytes made up while it is sent, with a Content-Length or chunked.
void huge_body(httplib::Response& res, uint64_t bytes, bool chunked);

}  // namespace standin
