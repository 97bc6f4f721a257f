// A libcurl easy handle kept alive across requests (keep-alive), one per worker thread.
// DNS and TLS session caches are shared through CurlShare.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/http_message.h"

typedef void CURL;
typedef void CURLSH;
struct curl_slist;

namespace memconn {

struct HttpOptions {
  std::chrono::milliseconds timeout{60000};
  std::chrono::milliseconds connect_timeout{10000};
  std::string user_agent;
  std::vector<std::string> headers;  // sent with every request (auth lives here; never logged)
  // Ask for gzip. Worth it for large answers (recall); for small bulk acks, compressing each
  // one costs the server more CPU than the bytes saved on the wire.
  bool accept_compressed = false;
  // PEM bundle to verify servers with (CURLOPT_CAINFO), for private CAs; empty = the system
  // store. Proxies come from libcurl's standard variables (https_proxy, NO_PROXY, ...).
  std::string ca_file;
  // A reply body longer than this aborts the transfer (HttpResponse::too_large): a broken or
  // hostile server must not be able to make us buffer without bound. libcurl refuses a
  // longer Content-Length up front; the receive callback stops chunked or compressed ones.
  int64_t max_response_bytes = kDefaultMaxResponseBytes;
  static constexpr int64_t kDefaultMaxResponseBytes = int64_t{64} << 20;
};

// Shares DNS and TLS session caches between easy handles. Access is serialized by one
// mutex per curl lock_data kind, as libcurl requires for handles used on several threads.
class CurlShare {
 public:
  CurlShare();
  ~CurlShare();
  CurlShare(const CurlShare&) = delete;
  CurlShare& operator=(const CurlShare&) = delete;
  CURLSH* handle() const { return share_; }

 private:
  static void lock_cb(CURL*, int data, int, void* user);
  static void unlock_cb(CURL*, int data, void* user);
  CURLSH* share_;
  std::mutex locks_[8];  // indexed by curl_lock_data
};

class HttpClient {
 public:
  HttpClient(HttpOptions options, CurlShare* share);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  HttpResponse perform(const HttpRequest& req);
  // When *flag becomes true, a transfer in progress is aborted (second Ctrl-C, drain timeout).
  void set_abort_flag(const std::atomic<bool>* flag) { abort_flag_ = flag; }

 private:
  static size_t on_body(char* data, size_t size, size_t n, void* user);
  static size_t on_header(char* data, size_t size, size_t n, void* user);
  static int on_progress(void* user, long long, long long, long long, long long);
  // options_.headers plus what every request carries (and Content-Type when it has a body).
  curl_slist* header_list(bool with_body) const;
  CURL* easy_;
  HttpOptions options_;
  const std::atomic<bool>* abort_flag_ = nullptr;
  HttpResponse* current_ = nullptr;
  curl_slist* get_headers_ = nullptr;   // built once: the usual request adds no header of its own
  curl_slist* post_headers_ = nullptr;
};

// Once per process, before any thread starts.
void http_global_init();
// "https://user:pw@host:1/p?range=week&key=s" -> "/p?range=week&key=***": what -v logs may
// show of a URL. A query can carry a key, so only paging and range values are shown.
std::string url_path_for_log(const std::string& url);
// The URL without any "user:password@" part: safe to show in an error message.
std::string url_without_credentials(const std::string& url);
// An https:// URL whose server spoke plain HTTP fails the TLS handshake with OpenSSL's
// "wrong version number" (or "packet length too long"), which names neither the cause nor
// the fix. For that failure (curl_code is a CURLcode), the sentence that does:
// "the server at HOST:PORT answered in plain HTTP: use http:// instead of https://".
std::optional<std::string> plain_http_hint(int curl_code, std::string_view error, const std::string& url);
// Percent-encodes one path segment or query value.
std::string url_escape(const std::string& s);
// The libcurl loaded at run time and its TLS backend, e.g. "7.88.1 (OpenSSL/3.0.11)".
std::string libcurl_version();

}  // namespace memconn
