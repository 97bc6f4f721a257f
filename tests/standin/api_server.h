// The HTTP layer shared by all stand-in kinds: wraps every API route in the fault pipeline
// (gateway, latency, 503/429, HTML/malformed answers, auth, capacity, lost answers, held
// answers, slow bodies), counts it, and serves the /_standin/* control endpoints which
// bypass all of that.
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
  // A POST that writes documents (retain, insert): counted as a write, which is what
  // fault_scope "writes" and the *_nth knobs select.
  void write_route(const std::string& pattern, ApiHandler handler);
  // Registers the control endpoints, the backend's routes and the 404/405 fallbacks.
  void install();

 private:
  struct Route {
    std::regex pattern;
    ApiHandler handler;
    bool open = false, write = false;
  };
  // How the answer built by process() reaches the client.
  enum class Delivery { Answer, DropZero, DropHalf };

  void add(const std::string& method, const std::string& pattern, ApiHandler handler, bool open, bool write);
  void handle(const Route& route, const httplib::Request& req, httplib::Response& res);
  // Everything behind the gateway, from the latency to the answer delay; the store happens
  // in the route's handler, after every processing delay.
  Delivery process(const Route& route, const httplib::Request& req, httplib::Response& res, const Knobs& k,
                   const RequestFacts& facts, bool in_scope);
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
