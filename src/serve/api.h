// The API's routes and what each answers (docs/connectors.md "The API", docs/openapi.json).
// handle() is the HTTP server's handler: per request it applies, in order, the Origin and
// Host checks, the rate limit, the route (404/405), the key (401), the body cap (413) and
// the route's handler, then logs one line without secrets and counts the answer.
#pragma once
#include <memory>

#include "serve/auth.h"
#include "serve/http_server.h"
#include "serve/rate_limiter.h"
#include "serve/router.h"

namespace memconn {

class Service;

class Api {
 public:
  // service may be null to read routes() only (the OpenAPI test).
  explicit Api(Service* service);
  ApiResponse handle(const ApiRequest& req);
  const Router& router() const { return router_; }

 private:
  ApiResponse dispatch(const ApiRequest& req);
  ApiResponse health(const ApiRequest&, const RouteParams&);
  ApiResponse metrics(const ApiRequest&, const RouteParams&);
  ApiResponse list(const ApiRequest&, const RouteParams&);
  ApiResponse create(const ApiRequest&, const RouteParams&);
  ApiResponse get(const ApiRequest&, const RouteParams&);
  ApiResponse replace(const ApiRequest&, const RouteParams&);
  ApiResponse remove(const ApiRequest&, const RouteParams&);
  ApiResponse trigger(const ApiRequest&, const RouteParams&);
  ApiResponse pause(const ApiRequest&, const RouteParams&, bool paused);
  ApiResponse status(const ApiRequest&, const RouteParams&);
  ApiResponse history(const ApiRequest&, const RouteParams&);

  Service* service_;
  Router router_;
  std::unique_ptr<ApiKey> key_;
  std::unique_ptr<ClientRateLimiter> limiter_;
};

}  // namespace memconn
