// The end-of-run report: one JSON document for --json (stdout), one human line (stderr),
// and Prometheus metrics for --metrics-file. Field names are stable (documented in the man page).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "engine/ledger.h"
#include "targets/target.h"
#include "base/result.h"

namespace memconn {

struct IngestReport {
  Counters counters;
  uint64_t documents = 0;  // distinct documents the items formed (parts of one count once)
  double elapsed_s = 0;
  std::string dead_letter;  // empty when nothing was dead-lettered
  std::vector<std::string> operation_ids;
  TargetWait operations;  // --wait: what following the target's background work found
  std::vector<std::pair<std::string, CommitPoint>> resumed_from;
  uint64_t skipped = 0;
  uint64_t skipped_shard = 0;  // items of other shards (--shard)
  uint64_t held_back = 0;      // unfinished last lines (no newline yet), sent by a later run
  // Items read from stdin or a pipe and not acknowledged when the run stopped: a pipe
  // cannot be read again, so they went to the dead-letter file.
  uint64_t unacknowledged = 0;
  bool resumable = true;       // a re-run continues (false when every input was a pipe)
  std::string shard;           // "K/N", empty when not sharding
  int breaker_openings = 0;
  bool adaptive = false;       // --workers auto
  int concurrency = 0;         // requests allowed in flight at the end (fixed: the workers)
  int peak_concurrency = 0;
  bool interrupted = false;
  int input_problems = 0;
  std::string result;
  int exit_code = 0;
  std::string state_file;
  // The state file was created by this run: the summary says where it is, once, so the
  // user learns where progress lives before anything goes wrong.
  bool new_state = false;
};

std::string ingest_report_json(const IngestReport& r);
std::string ingest_summary(const IngestReport& r);
Status write_ingest_metrics(const std::string& path, const std::string& command, const std::string& connector,
                            const IngestReport& r);

}  // namespace memconn
