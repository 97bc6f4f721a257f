// The HTTP layer shared by all stand-in kinds: wraps every API route in the fault pipeline
// (latency, 503/429, HTML/malformed answers, auth, lost acks, slow bodies), counts it, and
// serves the /_standin/* control endpoints which bypass all of that.
#pragma once

#include <httplib.h>

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "backend.h"
#include "capacity.h"
#include "faults.h"
#include "stats.h"

namespace standin {

using ApiHandler = std::function<void(const httplib::Request&, httplib::Response&, const Knobs&)>;

class ApiServer {
 public:
  ApiServer(httplib::Server& svr, Faults& faults, Backend& backend);

  // method: GET, POST, PUT, PATCH, DELETE. open = no auth (health, version).
  void route(const std::string& method, const std::string& pattern, ApiHandler handler, bool open = false);
  // Registers the control endpoints, the backend's routes and the 404/405 fallbacks.
  void install();

 private:
  void handle(const ApiHandler& handler, bool open, const httplib::Request& req, httplib::Response& res);
  void not_found(const httplib::Request& req, httplib::Response& res);
  void install_control();

  httplib::Server& svr_;
  Faults& faults_;
  Capacity capacity_;
  Backend& backend_;
  ServerStats stats_;
  std::vector<std::pair<std::string, std::regex>> known_routes_;
};

}  // namespace standin
