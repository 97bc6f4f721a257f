// `memconn ingest`: files, directories or stdin into a target (ingest/run.h does the work).
#pragma once
#include "config/settings.h"
#include "ingest/options.h"

namespace memconn {

int run_ingest(const GlobalOptions& g, const IngestOptions& o);

}  // namespace memconn
