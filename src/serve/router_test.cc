#include "serve/router.h"

#include <doctest/doctest.h>

using namespace memconn;

namespace {
Router::Handler named(const std::string& what) {
  return [what](const ApiRequest&, const RouteParams& p) {
    ApiResponse r;
    r.body = what + (p.values.count("name") ? ":" + p["name"] : "");
    return r;
  };
}
}  // namespace

TEST_CASE("router: exact paths, {name} segments, 404 and 405 with the allowed methods") {
  Router r;
  r.add("GET", "/api/v1/connectors", false, named("list"));
  r.add("POST", "/api/v1/connectors", false, named("create"));
  r.add("GET", "/api/v1/connectors/{name}", false, named("get"));
  r.add("POST", "/api/v1/connectors/{name}/trigger", false, named("trigger"));
  ApiRequest req;
  auto m = r.match("GET", "/api/v1/connectors/p2r");
  REQUIRE(m.route);
  CHECK(m.route->handler(req, m.params).body == "get:p2r");
  m = r.match("POST", "/api/v1/connectors/a.b-c/trigger");
  REQUIRE(m.route);
  CHECK(m.params["name"] == "a.b-c");
  CHECK(r.match("GET", "/api/v1/connectors/").route->pattern == "/api/v1/connectors");  // a trailing slash is the same
  m = r.match("DELETE", "/api/v1/connectors");
  CHECK_FALSE(m.route);
  CHECK(m.allowed == std::vector<std::string>{"GET", "POST"});
  m = r.match("GET", "/api/v1/connectors/p2r/nothing");
  CHECK_FALSE(m.route);
  CHECK(m.allowed.empty());
  CHECK_FALSE(r.match("GET", "/api/v1//connectors").route);
  CHECK_FALSE(r.match("GET", "/api/v1").route);
  CHECK(r.routes().size() == 4);
}
