// The OpenAPI document served (docs/openapi.json, compiled in) lists exactly the routes the
// server has, method by method, and marks open exactly the routes served without a key.
#include "serve/openapi.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <set>

#include "serve/api.h"

using namespace memconn;

TEST_CASE("openapi: its paths and methods are exactly the router's, open ones without security") {
  simdjson::dom::parser parser;
  simdjson::padded_string text(openapi_document());
  simdjson::dom::element doc;
  REQUIRE_FALSE(parser.parse(text).get(doc));
  std::set<std::string> documented, open_documented;
  for (auto [path, item] : doc["paths"].get_object()) {
    for (auto [method, op] : item.get_object()) {
      std::string m(method);
      if (m == "parameters") continue;
      for (auto& c : m) c = static_cast<char>(toupper(c));
      documented.insert(m + " " + std::string(path));
      simdjson::dom::array sec;
      if (!op["security"].get_array().get(sec) && sec.size() == 0) open_documented.insert(m + " " + std::string(path));
    }
  }
  Api api(nullptr);
  std::set<std::string> routed, open_routed;
  for (const auto& r : api.router().routes()) {
    routed.insert(r.method + " " + r.pattern);
    if (r.open) open_routed.insert(r.method + " " + r.pattern);
  }
  CHECK(documented == routed);
  CHECK(open_documented == open_routed);
  CHECK(std::string(doc["openapi"].get_string().value()).starts_with("3."));
}
