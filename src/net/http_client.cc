#include "net/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string_view>
#include <cstring>

namespace memconn {

void http_global_init() { curl_global_init(CURL_GLOBAL_DEFAULT); }

CurlShare::CurlShare() : share_(curl_share_init()) {
  curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlShare::lock_cb);
  curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlShare::unlock_cb);
  curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

CurlShare::~CurlShare() { curl_share_cleanup(share_); }

void CurlShare::lock_cb(CURL*, int data, int, void* user) {
  static_cast<CurlShare*>(user)->locks_[static_cast<unsigned>(data) % 8].lock();
}
void CurlShare::unlock_cb(CURL*, int data, void* user) {
  static_cast<CurlShare*>(user)->locks_[static_cast<unsigned>(data) % 8].unlock();
}

HttpClient::HttpClient(HttpOptions options, CurlShare* share) : easy_(curl_easy_init()), options_(std::move(options)) {
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);  // we are multi-threaded: no SIGALRM for DNS timeouts
  if (share) curl_easy_setopt(easy_, CURLOPT_SHARE, share->handle());
  curl_easy_setopt(easy_, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy_, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
  if (options_.accept_compressed) curl_easy_setopt(easy_, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &HttpClient::on_body);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &HttpClient::on_header);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy_, CURLOPT_XFERINFOFUNCTION, &HttpClient::on_progress);
  curl_easy_setopt(easy_, CURLOPT_XFERINFODATA, this);
  curl_easy_setopt(easy_, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  if (options_.max_response_bytes > 0)
    curl_easy_setopt(easy_, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_response_bytes));
  if (!options_.ca_file.empty()) curl_easy_setopt(easy_, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.user_agent.empty()) curl_easy_setopt(easy_, CURLOPT_USERAGENT, options_.user_agent.c_str());
  get_headers_ = header_list(false);
  post_headers_ = header_list(true);
}

HttpClient::~HttpClient() {
  curl_easy_cleanup(easy_);
  curl_slist_free_all(get_headers_);
  curl_slist_free_all(post_headers_);
}

size_t HttpClient::on_body(char* data, size_t size, size_t n, void* user) {
  auto* self = static_cast<HttpClient*>(user);
  auto& body = self->current_->body;
  int64_t cap = self->options_.max_response_bytes;
  if (cap > 0 && static_cast<int64_t>(body.size() + size * n) > cap) {
    self->current_->too_large = true;
    return 0;  // anything but size * n aborts the transfer (CURLE_WRITE_ERROR)
  }
  body.append(data, size * n);
  return size * n;
}

size_t HttpClient::on_header(char* data, size_t size, size_t n, void* user) {
  auto* self = static_cast<HttpClient*>(user);
  std::string_view line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
    if (name == "retry-after") self->current_->retry_after.assign(value);
    if (name == "content-type") self->current_->content_type.assign(value);
    if (name == "date") self->current_->date.assign(value);
  }
  return size * n;
}

int HttpClient::on_progress(void* user, long long, long long, long long, long long) {
  auto* self = static_cast<HttpClient*>(user);
  return self->abort_flag_ && self->abort_flag_->load() ? 1 : 0;
}

curl_slist* HttpClient::header_list(bool with_body) const {
  curl_slist* headers = nullptr;
  for (const auto& h : options_.headers) headers = curl_slist_append(headers, h.c_str());
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip on large bodies
  if (with_body) headers = curl_slist_append(headers, "Content-Type: application/json");
  return headers;
}

HttpResponse HttpClient::perform(const HttpRequest& req) {
  HttpResponse resp;
  current_ = &resp;
  bool with_body = req.method != "GET";
  // The usual request (no extra headers) reuses the list built once; only one with its own
  // headers pays for a list of its own.
  curl_slist* own = nullptr;
  if (!req.headers.empty()) {
    own = header_list(with_body);
    for (const auto& h : req.headers) own = curl_slist_append(own, h.c_str());
  }
  curl_easy_setopt(easy_, CURLOPT_URL, req.url.c_str());
  if (!with_body) {
    curl_easy_setopt(easy_, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, nullptr);
  } else {
    curl_easy_setopt(easy_, CURLOPT_POST, 1L);
    // The body is passed by pointer, not copied: req outlives the transfer.
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, req.method == "POST" ? nullptr : req.method.c_str());
  }
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, own ? own : with_body ? post_headers_ : get_headers_);
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl_easy_perform(easy_);
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, nullptr);
  if (own) {
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(own);
  }
  double t = 0;
  curl_easy_getinfo(easy_, CURLINFO_TOTAL_TIME, &t);
  resp.seconds = t;
  if (rc == CURLE_FILESIZE_EXCEEDED) resp.too_large = true;
  if (resp.too_large) {
    std::string().swap(resp.body);  // what was read so far is no answer: give the memory back
    std::string path = url_path_for_log(req.url);
    path = path.substr(0, path.find('?'));  // a query string may carry a key
    resp.error = "the reply to " + req.method + " " + path + " is larger than --max-response-bytes (" +
                 std::to_string(options_.max_response_bytes) +
                 " bytes) and was not read; raise --max-response-bytes if the server's answers are that large";
    resp.status = 0;
  } else if (rc == CURLE_OK) {
    resp.transport_ok = true;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &resp.status);
  } else {
    resp.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (auto hint = plain_http_hint(rc, resp.error, req.url)) {
      resp.error += ": " + *hint;
      resp.plain_http = true;
    }
    resp.status = 0;
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      long request_bytes = 0;  // headers sent; 0 when the connection never came up
      curl_off_t body_bytes = 0;
      curl_easy_getinfo(easy_, CURLINFO_REQUEST_SIZE, &request_bytes);
      curl_easy_getinfo(easy_, CURLINFO_SIZE_UPLOAD_T, &body_bytes);
      resp.timed_out_after_sending =
          request_bytes > 0 && (!with_body || body_bytes >= static_cast<curl_off_t>(req.body.size()));
    }
  }
  current_ = nullptr;
  return resp;
}

std::string url_path_for_log(const std::string& url) {
  auto scheme = url.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  auto slash = url.find('/', start);
  if (slash == std::string::npos) return "/";
  std::string path = url.substr(slash, url.find('#', slash) - slash);
  auto q = path.find('?');
  if (q == std::string::npos) return path;
  static const char* const kShown[] = {"range", "page", "offset", "limit", "page_size", "per_page", "size",
                                       "since", "cursor", "start", "end", "from", "to"};
  std::string out = path.substr(0, q + 1);
  std::string_view query = std::string_view(path).substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    auto eq = param.find('=');
    std::string_view name = param.substr(0, eq);
    bool shown = eq == std::string_view::npos ||
                 std::any_of(std::begin(kShown), std::end(kShown), [&](const char* k) { return name == k; });
    if (out.back() != '?') out += '&';
    out += shown ? std::string(param) : std::string(name) + "=***";
  }
  return out;
}

std::string url_without_credentials(const std::string& url) {
  auto scheme = url.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t host_end = url.find('/', start);
  auto at = url.rfind('@', host_end == std::string::npos ? url.size() : host_end);
  if (at == std::string::npos || at < start) return url;
  return url.substr(0, start) + url.substr(at + 1);
}

std::optional<std::string> plain_http_hint(int curl_code, std::string_view error, const std::string& url) {
  if (curl_code != CURLE_SSL_CONNECT_ERROR || !url.starts_with("https://")) return std::nullopt;
  if (error.find("wrong version number") == std::string_view::npos &&
      error.find("packet length too long") == std::string_view::npos)
    return std::nullopt;
  // HOST:PORT as the URL names it (443 when it names none), without any user:password@.
  std::string rest = url_without_credentials(url).substr(8);
  std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  size_t bracket = authority.rfind(']');  // an IPv6 literal has colons of its own
  if (authority.find(':', bracket == std::string::npos ? 0 : bracket) == std::string::npos) authority += ":443";
  return "the server at " + authority + " answered in plain HTTP: use http:// instead of https://";
}

std::string url_escape(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string libcurl_version() {
  const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
  std::string s = v && v->version ? v->version : "unknown";
  if (v && v->ssl_version) s += std::string(" (") + v->ssl_version + ")";
  return s;
}

}  // namespace memconn
