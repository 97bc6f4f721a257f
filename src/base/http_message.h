// A request and its answer as plain values. The core and the targets reason about these;
// only net/ knows how they travel (libcurl), so logic can be tested without a socket.
#pragma once
#include <string>
#include <vector>

namespace memconn {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::vector<std::string> headers;  // extra "Name: value" lines
};

struct HttpResponse {
  bool transport_ok = false;  // an HTTP status line was received
  long status = 0;
  std::string body;
  std::string retry_after;    // raw Retry-After header, if any
  std::string content_type;
  std::string date;           // raw Date header, if any (doctor's clock check)
  std::string error;          // transport error text when !transport_ok
  // The reply was longer than HttpOptions::max_response_bytes and was not read further
  // (transport_ok is false, error says so). Never retried: the next reply would be as long.
  bool too_large = false;
  // An https:// URL reached a server speaking plain HTTP (error says so, and to use http://).
  bool plain_http = false;
  // The URL is wrong in a way no retry changes (a reply over the cap, plain HTTP at an
  // https:// URL): never retried, the run stops at once with exit 5 and the error's fix.
  bool wrong_target() const { return too_large || plain_http; }
  double seconds = 0;
  // The whole request reached the server and then no answer came in time: the server may
  // be busy with it (a sync retain runs LLM extraction inside the request), not down.
  bool timed_out_after_sending = false;
};

// s on one line (newlines and tabs become spaces), cut to max characters with "...".
std::string one_line(std::string s, size_t max = 300);

// The server's {"detail": ...} (FastAPI) or {"message": ...} error as one line; falls back
// to the start of a non-JSON body, or the transport error when nothing was answered.
std::string error_message(const HttpResponse& resp);

}  // namespace memconn
