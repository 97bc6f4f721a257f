#include "version_info.h"

#include <curl/curl.h>
#include <simdjson.h>

#include <CLI/Version.hpp>
#include <toml++/toml.h>

namespace memconn {

// simdjson and toml++ give their versions as bare tokens (3.0.1, 3): stringify them.
#define MEMCONN_STR2(x) #x
#define MEMCONN_STR(x) MEMCONN_STR2(x)

std::string version_text() {
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  std::string s = std::string("memconn ") + MEMCONN_VERSION + " (commit " + MEMCONN_GIT_COMMIT + ")\n";
  s += std::string("libcurl ") + (curl && curl->version ? curl->version : "unknown");
  if (curl && curl->ssl_version) s += std::string(" (") + curl->ssl_version + ")";
  s += "\n";
  s += "simdjson " MEMCONN_STR(SIMDJSON_VERSION) "\n";
  s += "toml++ " MEMCONN_STR(TOML_LIB_MAJOR) "." MEMCONN_STR(TOML_LIB_MINOR) "." MEMCONN_STR(TOML_LIB_PATCH) "\n";
  s += "CLI11 " CLI11_VERSION "\n";
  return s;
}

}  // namespace memconn
