// What `sync` and `trigger` print: one JSON document on stdout with --json, and one human
// line per connector run on stderr. Field names are stable (docs/connectors.md).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "connectors/run.h"

namespace memconn {

struct NotDue {
  std::string connector;
  std::string next_due;  // ISO-8601
};

std::string connector_report_json(const ConnectorRunReport& r);
// {"exit_code":N,"runs":[...],"not_due":[{"connector","next_due"}],"dead_letter":path|null}
std::string sync_report_json(const std::string& command, const std::vector<ConnectorRunReport>& runs, const std::vector<NotDue>& not_due,
                             int exit_code, const std::string& dead_letter);
// "pendant-to-rag ok: 1200 fetched, 200 new, 200 sent, 0 already present, 0 failed, ..."
std::string connector_summary(const ConnectorRunReport& r);

// The exit code of several connector runs: a signal wins, then 4 (credentials), 69
// (unreachable), 1 (something failed), 0.
int combine_exit_codes(const std::vector<int>& codes);

}  // namespace memconn
