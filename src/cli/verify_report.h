// What `memconn verify` found, and how it says so (text and --json): shared by the path
// verify (inputs against a Hindsight bank) and verify --connector (a connector's source
// against its Hindsight bank or LightRAG server), so both report the same counts and shape.
#pragma once
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "base/json_writer.h"
#include "targets/target.h"

namespace memconn {

// A document named in the report: where its expected content came from (an input file's
// line, or a connector's source record).
struct Named {
  std::string id, source;
  uint64_t line = 0;
  std::string record_id;  // verify --connector: the source record (then source/line are unset)
};

// A document the target has not finished with: failed, or still in its pipeline.
struct TargetDocument {
  std::string document_id, server_id, status, created_at, track_id, error;
};

struct VerifyReport {
  std::string origin = "the inputs";  // where expected content comes from ("the source" for a connector)
  bool document_states = false;  // failed/open are documents (the target tracks them), not operations
  uint64_t expected = 0, present = 0, missing = 0, stale = 0, empty = 0, extra = 0, unchecked = 0;
  uint64_t docs_failed = 0, docs_open = 0;  // expected documents the target failed / has not finished
  uint64_t not_synced = 0;  // verify --connector: source records newer than the cursor (not expected yet)
  std::vector<Named> missing_docs, stale_docs, empty_docs;
  std::vector<std::string> extra_docs;
  std::vector<TargetOperation> failed_ops, open_ops;
  std::vector<TargetDocument> failed_docs, open_docs;
  uint64_t bad_lines = 0;
  int input_problems = 0;
  bool truncated = false;  // some category had more ids than --list-limit
  // --repair
  bool repaired = false;
  uint64_t resend = 0, reprocessed = 0, retried = 0, repair_errors = 0;
  int resend_exit_code = 0;

  bool complete() const {
    return missing == 0 && stale == 0 && empty == 0 && failed_ops.empty() && open_ops.empty() && docs_failed == 0 &&
           docs_open == 0 && bad_lines == 0 && input_problems == 0;
  }
  // Exit code: without --repair 0 when complete, 1 otherwise; with it 0 when every repair
  // was accepted (the re-send's own exit code when that failed).
  int exit_code(bool repair) const;
};

// heading: the first line, naming what was compared ("bank team at http://…").
void print_verify_report(std::ostream& out, const std::string& heading, const VerifyReport& r, int list_limit);
// where: writes the keys that say what was compared ("target", "url", "bank", ...).
std::string verify_report_json(const VerifyReport& r, int exit_code, const std::function<void(JsonWriter&)>& where);

}  // namespace memconn
