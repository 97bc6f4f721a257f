// `memconn ingest`: files, directories or stdin into a Hindsight bank.
#pragma once
#include <string>
#include <vector>

#include "config/settings.h"

namespace memconn {

struct IngestOptions {
  std::vector<std::string> inputs;
  std::string format = "auto";  // auto | lines | jsonl
  std::string unit = "line";    // line | file (the whole file is one document)
  std::string id_prefix;        // --unit file: prepended to the file's relative path
  std::string glob;
  std::vector<std::string> tags;
  std::string context;
  TuningFlags tuning;
  bool async = false;
  bool wait = false;
  bool dry_run = false;
  std::string dead_letter;  // default: beside the state file
  bool reset_state = false;
  bool wait_lock = false;
  std::string metrics_file;
  std::string shard;  // "K/N" (--shard); empty = every item
};

int run_ingest(const GlobalOptions& g, const IngestOptions& o);

}  // namespace memconn
