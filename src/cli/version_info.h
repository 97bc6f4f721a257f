// `memconn --version`: what a bug report needs to pin a build down. The libraries are
// system ones (Debian packages), so their versions vary with the machine, not the tag.
#pragma once
#include <string>

namespace memconn {

// Several lines: "memconn X.Y.Z (commit abc123)", then libcurl (with its TLS backend),
// simdjson, toml++ and CLI11. libcurl's is asked at run time: it is the one loaded.
std::string version_text();

}  // namespace memconn
