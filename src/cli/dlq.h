// `memconn dlq list|retry|purge`: look at, re-send, or drop the items that failed for good.
#pragma once
#include <string>

#include "config/settings.h"

namespace memconn {

struct DlqOptions {
  std::string dead_letter;  // default: beside the state file
  TuningFlags tuning;
  std::string older_than;   // purge: only entries older than this duration
  std::string connector;    // list/retry/purge: only this connector's entries ("-" = plain ingest only)
  bool wait_lock = false;
  std::string shard;        // K/N: the dead letters of that ingest shard (its own files)
  bool all = false;         // purge: every entry (a purge must name what it drops)
  bool dry_run = false;     // purge: say what would be dropped
  bool yes = false;         // purge: do not ask on a terminal
};

int run_dlq_list(const GlobalOptions& g, const DlqOptions& o);
int run_dlq_retry(const GlobalOptions& g, const DlqOptions& o);
int run_dlq_purge(const GlobalOptions& g, const DlqOptions& o);

}  // namespace memconn
