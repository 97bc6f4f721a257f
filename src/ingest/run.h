// One ingest run: files, directories or stdin into a target, with resume, dead letters, the
// commit journal and checkpoints. Messages go to `console`; data (the --json report, the
// bodies of --dry-run) to `out`. Returns the documented exit code.
#pragma once
#include <iosfwd>

#include "base/diagnostics.h"
#include "config/settings.h"
#include "ingest/options.h"

namespace memconn {

int run_ingest_job(const GlobalOptions& g, const IngestOptions& o, Diagnostics& console, std::ostream& out);

}  // namespace memconn
