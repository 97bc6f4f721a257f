#include "cli/version_info.h"

#include <simdjson.h>

#include <CLI/Version.hpp>

#include "config/config.h"
#include "net/http_client.h"

namespace memconn {

// simdjson gives its version as a bare token (3.0.1): stringify it.
#define MEMCONN_STR2(x) #x
#define MEMCONN_STR(x) MEMCONN_STR2(x)

std::string version_text() {
  std::string s = std::string("memconn ") + MEMCONN_VERSION + " (commit " + MEMCONN_GIT_COMMIT + ")\n";
  s += "libcurl " + libcurl_version() + "\n";
  s += "simdjson " MEMCONN_STR(SIMDJSON_VERSION) "\n";
  s += "toml++ " + toml_library_version() + "\n";
  s += "CLI11 " CLI11_VERSION "\n";
  return s;
}

}  // namespace memconn
