#include "cli/version_info.h"

#include <doctest/doctest.h>

#include "net/http_client.h"

using namespace memconn;

TEST_CASE("version_text names memconn's version and commit, then each library's") {
  std::string v = version_text();
  CHECK(v.rfind(std::string("memconn ") + MEMCONN_VERSION + " (commit " + MEMCONN_GIT_COMMIT + ")\n", 0) == 0);
  CHECK(v.find("\nlibcurl " + libcurl_version() + "\n") != std::string::npos);
  CHECK(v.find("\nsimdjson 3.") != std::string::npos);  // the stringified macro, not "SIMDJSON_VERSION"
  CHECK(v.find("\ntoml++ 3.") != std::string::npos);
  CHECK(v.find("\nCLI11 2.") != std::string::npos);
  CHECK(v.back() == '\n');
}
