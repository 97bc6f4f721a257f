// `memconn serve`: the connector service (everything `sync --watch` does) with the
// management API on --listen (docs/connectors.md, "The service and its API").
#pragma once
#include <optional>
#include <string>

#include "config/settings.h"

namespace memconn {

struct ServeOptions {
  std::optional<std::string> listen;  // ADDR:PORT; else [api] listen, else 127.0.0.1:8080
  bool wait = false;                  // LightRAG: wait until the sent documents are indexed
  TuningFlags tuning;
};

int run_serve(const GlobalOptions& g, const ServeOptions& o);

}  // namespace memconn
