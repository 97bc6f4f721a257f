// `memconn sync`, `trigger`, `status` and `list`: connectors pull from memory APIs into
// Hindsight or LightRAG on their schedules (docs/connectors.md).
#pragma once
#include <string>
#include <vector>

#include "config/settings.h"

namespace memconn {

struct SyncOptions {
  std::vector<std::string> names;  // empty = every enabled connector
  bool watch = false;              // stay up and run connectors as they fall due
  bool wait = false;               // LightRAG: wait until the documents are indexed
  bool wait_lock = false;
  TuningFlags tuning;
};

struct TriggerOptions {
  std::string name;
  bool full = false;  // ignore the cursor and processed ids
  bool reprocess_failed = false;  // LightRAG: have the target index its failed documents again
  bool wait = false;
  bool wait_lock = false;
  TuningFlags tuning;
};

struct StatusOptions {
  std::string name;  // empty = all
};

int run_sync(const GlobalOptions& g, const SyncOptions& o);
int run_trigger(const GlobalOptions& g, const TriggerOptions& o);
int run_status(const GlobalOptions& g, const StatusOptions& o);
int run_list(const GlobalOptions& g);

}  // namespace memconn
