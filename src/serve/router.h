// Method + path -> handler, with {name} segments. A path that matches no route is 404; a
// path that matches with another method is 405 with the Allow header. The route table is also
// what the OpenAPI document is checked against (serve/openapi_test.cc).
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "serve/http_server.h"

namespace memconn {

struct RouteParams {
  std::map<std::string, std::string> values;
  const std::string& operator[](const std::string& k) const { return values.at(k); }
};

class Router {
 public:
  using Handler = std::function<ApiResponse(const ApiRequest&, const RouteParams&)>;
  struct Route {
    std::string method, pattern;  // "GET", "/api/v1/connectors/{name}"
    bool open = false;            // served without the API key (health, the OpenAPI document)
    Handler handler;
  };
  void add(std::string method, std::string pattern, bool open, Handler h);
  const std::vector<Route>& routes() const { return routes_; }

  struct Match {
    const Route* route = nullptr;  // null: see allowed
    RouteParams params;
    std::vector<std::string> allowed;  // the path exists with these methods (405), or none (404)
  };
  // A trailing '/' is ignored ("/api/v1/connectors/" = "/api/v1/connectors").
  Match match(const std::string& method, const std::string& path) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace memconn
