// One run of one connector: fetch from the source, pick what is new, send it through the
// pipeline to the target, and move the connector's cursor only over what the target
// acknowledged (or what went to the dead-letter file). The caller owns the lock and the
// State; everything with side effects comes in through ConnectorRunDeps, so the whole
// run — crash points included — is unit-tested with a fake source and a fake sender.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "base/diagnostics.h"
#include "state/dead_letter.h"
#include "engine/pipeline.h"
#include "sources/source.h"
#include "state/state.h"
#include "connectors/sync_clock.h"
#include "targets/target.h"
#include "base/text_template.h"

namespace memconn {

struct ConnectorRunDeps {
  Source* source = nullptr;
  // One sender per pipeline worker; abort is the run's "give up on in-flight transfers" flag.
  std::function<std::unique_ptr<BatchSender>(const std::atomic<bool>* abort)> make_sender;
  // Optional: checks the target before anything is fetched (LightRAG /health), so a dead or
  // refusing target does not cost a source fetch. Its error's exit code becomes the run's.
  std::function<Status()> prepare_target;
  SyncClock* clock = nullptr;
  Diagnostics* console = nullptr;
  DeadLetterWriter* dead_letters = nullptr;
  std::function<Status()> persist;  // saves the whole State atomically (lock held by the caller)
  std::function<int()> stop_signal; // 0, or SIGINT/SIGTERM once one arrived
  // Optional: called with the operation (track) ids when ConnectorRunOptions::wait is set.
  std::function<TargetWait(const std::vector<std::string>&)> wait_for_target;
  // Replaces the target's copy of an edited record: Hindsight upserts under the same
  // document id, LightRAG deletes and inserts. before_delete runs before anything is deleted
  // (the run saves the pending update there, so a crash cannot lose the memory). Unset:
  // edits are detected but deferred.
  std::function<UpdateOutcome(const Item&, const std::function<void()>& before_delete)> update_document;
};

// verify --repair: what to do with a record, by the document id its item gets.
enum class RepairAction {
  Skip,     // on the target as expected
  Resend,   // missing: sent as a new record
  Replace,  // stale (the target holds other content): through update_document, like an edit
};

struct ConnectorRunOptions {
  bool full = false;          // ignore the cursor and processed ids (trigger --full)
  // Set by verify --repair: only the records it does not Skip are sent (blank ones never),
  // and the run does not count for the schedule: its fetch did not look for new records.
  std::function<RepairAction(const std::string& document_id)> only;
  bool wait = false;          // follow the target's processing to the end
  std::string command = "sync";  // run history label: sync | trigger | trigger --full | sync --watch
  std::string target_label;   // recorded with dead letters: Target::label() (no credentials)
  PipelineOptions pipeline;
  size_t batch_size = 10;
  size_t max_batch_bytes = 1 << 20;
  std::chrono::milliseconds checkpoint_interval{1000};
};

struct ConnectorRunReport {
  std::string connector, command, result = "ok";  // ok | partial | failed | auth | unreachable | interrupted
  int exit_code = 0;
  std::string started, finished;
  double elapsed_s = 0;
  std::string fetch_summary;
  uint64_t fetched = 0, new_items = 0, sent = 0, already_present = 0, failed = 0;
  uint64_t changed = 0;           // edited at the source (known id, different digest), or pending from a crash
  uint64_t updated = 0;           // of those, replaced at the target
  uint64_t updates_deferred = 0;  // of those, left for the next run (target busy)
  uint64_t older_than_window = 0;  // unknown ids created before the id window (see cursor.h)
  uint64_t already_processed = 0, skipped_empty = 0, known_empty = 0, without_id = 0, repeated = 0;
  uint64_t retries = 0, requests = 0;
  size_t target_failed = 0;  // documents the target could not index (--wait)
  std::string cursor_before, cursor_after;
  std::vector<std::string> warnings;
  std::string error;
};

// target encodes the records into items (document_key, encode); everything it does over the
// network comes in through deps, so tests replace it.
ConnectorRunReport run_connector(const ConnectorConfig& conn, const SourceConfig& src, const Target& target,
                                 const TextTemplate* tmpl, ConnectorState& state, const ConnectorRunOptions& opt,
                                 ConnectorRunDeps& deps);

}  // namespace memconn
