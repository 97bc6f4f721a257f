#include "version_info.h"

#include <curl/curl.h>
#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("version_text names memconn's version and commit, then each library's") {
  std::string v = version_text();
  CHECK(v.rfind(std::string("memconn ") + MEMCONN_VERSION + " (commit " + MEMCONN_GIT_COMMIT + ")\n", 0) == 0);
  CHECK(v.find(std::string("libcurl ") + curl_version_info(CURLVERSION_NOW)->version) != std::string::npos);
  CHECK(v.find("\nsimdjson 3.") != std::string::npos);  // the stringified macro, not "SIMDJSON_VERSION"
  CHECK(v.find("\ntoml++ 3.") != std::string::npos);
  CHECK(v.find("\nCLI11 2.") != std::string::npos);
  CHECK(v.back() == '\n');
}
