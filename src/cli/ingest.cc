#include "cli/ingest.h"

#include <unistd.h>

#include <iostream>

#include "cli/console.h"
#include "ingest/run.h"

namespace memconn {

int run_ingest(const GlobalOptions& g, const IngestOptions& o) {
  Console console = make_console(g);
  IngestOptions opts = o;
  opts.announce_stdin = should_announce_stdin(::isatty(STDIN_FILENO) == 1, ::isatty(STDERR_FILENO) == 1, g.quiet);
  return run_ingest_job(g, opts, console, std::cout);
}

}  // namespace memconn
