// Ways of delivering (or not delivering) an already-built response: the "lost ack" and
// the slow body. Both act after the request was fully processed.
#pragma once

#include <httplib.h>

namespace standin {

// Cuts the client's connection mid-body so that it sees a transport error although the
// request was processed: the retry must be idempotent.
void lose_ack(const httplib::Request& req, httplib::Response& res);
// Sends the body in small pieces spread over `ms` milliseconds.
void trickle(httplib::Response& res, int ms);

}  // namespace standin
