// The OpenAPI document of the API, docs/openapi.json compiled into the binary (CMake turns
// it into a string at build time), served at GET /api/v1/openapi.json. openapi_test.cc
// checks that its paths and methods are exactly the router's.
#pragma once
#include <string_view>

namespace memconn {

std::string_view openapi_document();

}  // namespace memconn
