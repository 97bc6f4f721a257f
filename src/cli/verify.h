// `memconn verify`: reconcile what the inputs say should be in a bank with what the server
// lists, and (--repair) send again what was lost.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "cli/ingest.h"
#include "config/settings.h"

namespace memconn {

struct VerifyOptions {
  // The same inputs and flags as ingest: they decide the document ids and contents.
  IngestOptions ingest;
  bool repair = false;
  int page_size = 1000;
  int list_limit = 1000;  // names printed per category; counts are always complete
  std::string connector;  // --connector NAME: verify a connector's documents instead
};

int run_verify(const GlobalOptions& g, const VerifyOptions& o);
// verify --connector NAME (verify_connector.cc).
int run_verify_connector(const GlobalOptions& g, const VerifyOptions& o);

}  // namespace memconn
