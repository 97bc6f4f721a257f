#include "connectors/report.h"

#include <algorithm>
#include <cstdio>

#include "base/exit_codes.h"
#include "base/json_writer.h"

namespace memconn {

namespace {

void write_run(JsonWriter& w, const ConnectorRunReport& r) {
  w.begin_object().key("connector").value(r.connector).key("command").value(r.command);
  w.key("result").value(r.result).key("exit_code").value(r.exit_code);
  w.key("started").value(r.started).key("finished").value(r.finished).key("elapsed_s").value(r.elapsed_s);
  w.key("fetch").value(r.fetch_summary);
  w.key("fetched").value(r.fetched).key("new").value(r.new_items).key("sent").value(r.sent);
  w.key("already_present").value(r.already_present).key("failed").value(r.failed);
  w.key("changed").value(r.changed).key("updated").value(r.updated).key("updates_deferred").value(r.updates_deferred);
  w.key("already_processed").value(r.already_processed).key("older_than_window").value(r.older_than_window);
  w.key("skipped_empty").value(r.skipped_empty);
  w.key("known_empty").value(r.known_empty).key("without_id").value(r.without_id).key("repeated").value(r.repeated);
  w.key("retries").value(r.retries).key("requests").value(r.requests);
  w.key("target_failed").value(static_cast<uint64_t>(r.target_failed));
  w.key("cursor_before").value(r.cursor_before).key("cursor_after").value(r.cursor_after);
  w.key("warnings").begin_array();
  for (const auto& s : r.warnings) w.value(s);
  w.end_array();
  w.key("error");
  if (r.error.empty()) w.null();
  else w.value(r.error);
  w.end_object();
}

}  // namespace

std::string connector_report_json(const ConnectorRunReport& r) {
  std::string s;
  JsonWriter w(s);
  write_run(w, r);
  return s;
}

std::string sync_report_json(const std::string& command, const std::vector<ConnectorRunReport>& runs,
                             const std::vector<NotDue>& not_due, int exit_code, const std::string& dead_letter) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().envelope(command, exit_code::result_word(exit_code), exit_code).key("runs").begin_array();
  for (const auto& r : runs) write_run(w, r);
  w.end_array().key("not_due").begin_array();
  for (const auto& n : not_due) w.begin_object().key("connector").value(n.connector).key("next_due").value(n.next_due).end_object();
  w.end_array().key("dead_letter");
  if (dead_letter.empty()) w.null();
  else w.value(dead_letter);
  w.end_object();
  return s;
}

std::string connector_summary(const ConnectorRunReport& r) {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1f s", r.elapsed_s);
  std::string s = r.connector + " " + r.result + ": " + std::to_string(r.fetched) + " fetched, " +
                  std::to_string(r.new_items) + " new, " + std::to_string(r.sent) + " sent, " +
                  std::to_string(r.already_present) + " already present, " + std::to_string(r.failed) + " failed";
  if (r.changed) s += ", " + std::to_string(r.updated) + " of " + std::to_string(r.changed) + " edited updated";
  if (r.updates_deferred) s += " (" + std::to_string(r.updates_deferred) + " left for the next run)";
  if (r.already_processed) s += ", " + std::to_string(r.already_processed) + " processed before";
  if (r.older_than_window) s += ", " + std::to_string(r.older_than_window) + " older than the id window (not sent)";
  if (r.skipped_empty) s += ", " + std::to_string(r.skipped_empty) + " empty skipped";
  if (r.target_failed) s += ", " + std::to_string(r.target_failed) + " not indexed by the target";
  s += " (" + std::string(secs) + ")";
  if (!r.cursor_after.empty()) s += "; cursor " + r.cursor_after;
  if (r.result == "interrupted") s += "; run it again to continue";
  return s;
}

int combine_exit_codes(const std::vector<int>& codes) {
  auto has = [&](int c) { return std::find(codes.begin(), codes.end(), c) != codes.end(); };
  for (int c : {exit_code::kSigTerm, exit_code::kSigInt, exit_code::kAuth, exit_code::kUnreachable, exit_code::kWrongTarget,
                exit_code::kLocked,
                exit_code::kConfig, exit_code::kPartial})
    if (has(c)) return c;
  for (int c : codes)
    if (c != 0) return c;
  return exit_code::kOk;
}

}  // namespace memconn
