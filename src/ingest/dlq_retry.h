// `dlq retry`'s engine: dead letters go back to the target each one recorded (credentials only
// to this invocation's or a configured target's own address), a dead-lettered part of a
// document by sending its document whole again (an ingest run limited to it), anything else
// as it was stored, with the batching rules of ingest. Entries delivered leave the file;
// entries refused again keep their place with the new error; entries not tried stay as they
// were. cli/dlq.cc opens and rewrites the file; this knows nothing of the command line.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "config/command_setup.h"
#include "config/settings.h"
#include "engine/dead_letter_sink.h"
#include "targets/target.h"

namespace memconn {

struct DlqRetryInput {
  // The command's config and paths, with the state lock held: parts of documents are sent
  // again by an ingest run that reads no config of its own and takes no lock.
  const CommandSetup* setup = nullptr;
  TuningFlags tuning;
  std::string path;  // the dead-letter file (its ".retry" sibling collects re-failures)
  std::vector<DeadLetter> entries;
  std::function<bool(const DeadLetter&)> selected;  // --connector
};

struct DlqRetryResult {
  size_t delivered = 0, failed_again = 0;
  std::vector<DeadLetter> keep;  // what the file holds afterwards
  int exit_code = 0;
  bool tried = false;  // false: stopped before sending anything (a usage or config error); the file stays as it is
};

// A dead letter's target label as this version writes it: credentials removed (entries
// written before labels were stripped may hold them). nullopt: no target kind's label.
std::optional<TargetSpec> dead_letter_target(const std::string& label);

DlqRetryResult retry_dead_letters(const GlobalOptions& g, const DlqRetryInput& in, Diagnostics& console);

}  // namespace memconn
