#include "serve_process.h"

#include <curl/curl.h>
#include <signal.h>
#include <strings.h>

#include <doctest/doctest.h>

#include <algorithm>

namespace e2e {

namespace {

size_t append_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t append_header(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<StringMap*>(out))[name] = value;
  }
  return size * n;
}

}  // namespace

HttpResponse http_request(const std::string& method, const std::string& url, const std::string& body,
                          const std::vector<std::string>& headers, double timeout_s) {
  HttpResponse r;
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_s * 1000));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, append_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  if (!body.empty() || method == "POST" || method == "PUT") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  if (method != "GET" && method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  else r.error = curl_easy_strerror(rc);
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
  return r;
}

ServeProcess::ServeProcess(const std::string& config, const TempDir& dir, std::vector<std::string> args,
                           std::map<std::string, std::string> env) {
  static int n = 0;
  std::string tag = std::to_string(getpid()) + "-" + std::to_string(++n);
  err_path_ = dir.file("serve-" + tag + ".err");
  std::vector<std::string> argv{"--config", config, "serve", "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), args.begin(), args.end());
  env.emplace("MEMORY_API_KEY", "mk");
  pid_ = spawn_memconn(argv, RunOptions{.env = env}, dir.file("serve-" + tag + ".out"), err_path_);
  const std::string marker = "serve: listening on http://127.0.0.1:";
  bool up = eventually([&] { return err().find(marker) != std::string::npos; }, 30);
  REQUIRE_MESSAGE(up, "serve did not start: " << err());
  std::string e = err();
  port_ = std::atoi(e.c_str() + e.find(marker) + marker.size());
  url_ = "http://127.0.0.1:" + std::to_string(port_);
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    wait_exit(pid_, 10);
  }
}

int ServeProcess::stop(int sig, double timeout_s) {
  kill(pid_, sig);
  int code = wait_exit(pid_, timeout_s);
  if (code != -1) pid_ = -1;
  return code;
}

HttpResponse ServeProcess::call(const std::string& method, const std::string& path, const std::string& body,
                                const std::string& key, const std::vector<std::string>& headers) const {
  std::vector<std::string> h = headers;
  if (!key.empty()) h.push_back("Authorization: Bearer " + key);
  bool typed = std::any_of(headers.begin(), headers.end(), [](const std::string& x) { return strncasecmp(x.c_str(), "content-type:", 13) == 0; });
  if (!body.empty() && !typed) h.push_back("Content-Type: application/json");
  return http_request(method, url_ + path, body, h);
}

}  // namespace e2e
