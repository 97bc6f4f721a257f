// `memconn serve` as a child process on an ephemeral port, and a small HTTP client for its
// API: what the serve tests start from.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "connector_world.h"
#include "harness.h"

namespace e2e {

class ServeProcess {
 public:
  // memconn --config <config> serve --listen 127.0.0.1:0 <args>; waits for the "listening on"
  // line and reads the port from it.
  ServeProcess(const std::string& config, const TempDir& dir, std::vector<std::string> args = {},
               std::map<std::string, std::string> env = {});
  ~ServeProcess();  // SIGKILL if still running
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  const std::string& url() const { return url_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string err() const { return read_file(err_path_); }
  // Sends sig and waits; returns the exit code (-1 on timeout).
  int stop(int sig, double timeout_s = 30);

  // A request to the API; key "" = no Authorization header.
  HttpResponse call(const std::string& method, const std::string& path, const std::string& body = "",
                    const std::string& key = "", const std::vector<std::string>& headers = {}) const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string url_, err_path_;
};

// A request to any URL (the harness's client is bound to a stand-in).
HttpResponse http_request(const std::string& method, const std::string& url, const std::string& body = "",
                          const std::vector<std::string>& headers = {}, double timeout_s = 30);

}  // namespace e2e
