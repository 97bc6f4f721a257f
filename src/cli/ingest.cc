#include "cli/ingest.h"

#include <iostream>

#include "cli/console.h"
#include "ingest/run.h"

namespace memconn {

int run_ingest(const GlobalOptions& g, const IngestOptions& o) {
  Console console = make_console(g);
  return run_ingest_job(g, o, console, std::cout);
}

}  // namespace memconn
