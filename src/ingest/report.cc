#include "ingest/report.h"

#include <chrono>
#include <cstdio>

#include "base/json_writer.h"
#include "base/plural.h"
#include "state/metrics_file.h"

namespace memconn {

namespace {
double per_second(const IngestReport& r) {
  return r.elapsed_s > 0 ? static_cast<double>(r.counters.sent + r.counters.already_present) / r.elapsed_s : 0;
}
}  // namespace

std::string ingest_report_json(const IngestReport& r) {
  const auto& c = r.counters;
  std::string s;
  JsonWriter w(s);
  w.begin_object();
  w.envelope("ingest", r.result, r.exit_code);
  w.key("items_read").value(c.items_read).key("documents").value(r.documents).key("sent").value(c.sent).key("duplicates").value(c.duplicates);
  w.key("already_present").value(c.already_present).key("failed").value(c.failed);
  w.key("retries").value(c.retries).key("requests").value(c.requests).key("batches").value(c.batches);
  w.key("bytes_read").value(c.bytes_read).key("repaired_utf8").value(c.repaired_utf8);
  w.key("elapsed_s").value(r.elapsed_s).key("items_per_s").value(per_second(r));
  w.key("dead_letter");
  if (r.dead_letter.empty()) w.null();
  else w.value(r.dead_letter);
  w.key("operation_ids").begin_array();
  for (const auto& op : r.operation_ids) w.value(op);
  w.end_array();
  w.key("operations").begin_object().key("total").value(static_cast<uint64_t>(r.operations.total));
  w.key("completed").value(static_cast<uint64_t>(r.operations.completed));
  w.key("failed").value(static_cast<uint64_t>(r.operations.failed)).key("failures").begin_array();
  for (const auto& f : r.operations.failures) w.value(f);
  w.end_array().key("pending").begin_array();
  for (const auto& id : r.operations.pending) w.value(id);
  w.end_array().end_object();
  w.key("resumed_from").begin_object();
  for (const auto& [src, cp] : r.resumed_from)
    w.key(src).begin_object().key("offset").value(cp.offset).key("line").value(cp.line).end_object();
  w.end_object();
  w.key("held_back").value(r.held_back).key("unacknowledged_dead_lettered").value(r.unacknowledged);
  w.key("skipped").value(r.skipped).key("skipped_shard").value(r.skipped_shard).key("shard");
  if (r.shard.empty()) w.null();
  else w.value(r.shard);
  w.key("breaker_openings").value(r.breaker_openings);
  w.key("concurrency").begin_object().key("mode").value(r.adaptive ? "auto" : "fixed");
  w.key("final").value(r.concurrency).key("peak").value(r.peak_concurrency).end_object();
  w.key("interrupted").value(r.interrupted).key("input_problems").value(r.input_problems);
  w.key("state_file").value(r.state_file);
  w.end_object();
  return s;
}

std::string ingest_summary(const IngestReport& r) {
  const auto& c = r.counters;
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.1f s, %.0f items/s", r.elapsed_s, per_second(r));
  std::string s = "ingest " + r.result + ": " + std::to_string(c.sent) + " sent, " + count_of(c.duplicates, "duplicate") +
                  ", " + std::to_string(c.failed) + " failed, " + count_of(c.retries, "retry", "retries");
  if (c.already_present) s += ", " + std::to_string(c.already_present) + " already present";
  // Nothing sent: a document count would only read as if something had been.
  if (r.documents != c.sent && c.sent > 0) s += ", " + count_of(r.documents, "document");
  if (r.skipped) s += ", " + count_of(r.skipped, "line") + " skipped (already committed)";
  if (!r.shard.empty()) s += ", " + std::to_string(r.skipped_shard) + " left to other shards (shard " + r.shard + ")";
  s += " (" + std::string(rate) + ")";
  if (r.operations.total) s += "; operations " + std::to_string(r.operations.completed) + "/" + std::to_string(r.operations.total) + " completed";
  if (!r.operations.pending.empty())
    s += ", " + std::to_string(r.operations.pending.size()) +
         " still pending (the same command with --wait follows them; memconn verify lists them)";
  if (!r.dead_letter.empty()) s += "; dead letters in " + r.dead_letter + " (memconn dlq list)";
  if (r.adaptive)
    // "4 at the end, 1 at most" read as a contradiction: the 4 is the limit, the 1 the peak.
    s += "; workers auto: peak " + std::to_string(r.peak_concurrency) + " in flight (limit " +
         std::to_string(r.concurrency) + ")";
  if (r.breaker_openings) s += "; target outage paused sending " + count_of(static_cast<uint64_t>(r.breaker_openings), "time");
  if (r.held_back)
    s += "; " + count_of(r.held_back, "unfinished last line") + " held back until " +
         (r.held_back == 1 ? "its newline arrives" : "their newline arrives");
  if (r.unacknowledged)
    s += "; " + count_of(r.unacknowledged, "item") + " read from a pipe " +
         (r.unacknowledged == 1 ? "was" : "were") + " not acknowledged: a pipe cannot be read again, so they are in the dead-letter "
         "file (memconn dlq retry sends them)";
  if (r.resumable && r.interrupted) s += "; interrupted: run the same command again to resume";
  if (r.resumable && r.result == "unreachable") s += "; state saved: run the same command again to continue";
  if (r.new_state && !r.state_file.empty())
    s += "; progress kept in " + r.state_file + " (memconn state show lists every path)";
  return s;
}

Status write_ingest_metrics(const std::string& path, const std::string& command, const std::string& connector,
                            const IngestReport& r) {
  MetricsWriter m;
  std::map<std::string, std::string> labels{{"command", command}};
  if (!connector.empty()) labels["connector"] = connector;
  if (!r.shard.empty()) labels["shard"] = r.shard;  // shards of one job report side by side
  const auto& c = r.counters;
  m.counter("memconn_items_read_total", "Items read from input in the last run.", labels, static_cast<double>(c.items_read));
  m.counter("memconn_items_sent_total", "Items acknowledged by the target in the last run.", labels, static_cast<double>(c.sent));
  m.counter("memconn_items_failed_total", "Items dead-lettered in the last run.", labels, static_cast<double>(c.failed));
  m.counter("memconn_items_duplicates_total", "Duplicate items not sent in the last run.", labels, static_cast<double>(c.duplicates));
  m.counter("memconn_retries_total", "Request retries in the last run.", labels, static_cast<double>(c.retries));
  if (!r.shard.empty())
    m.counter("memconn_items_skipped_shard_total", "Items left to other shards in the last run.", labels,
              static_cast<double>(r.skipped_shard));
  m.gauge("memconn_run_duration_seconds", "Duration of the last run.", labels, r.elapsed_s);
  m.gauge("memconn_last_exit_code", "Exit code of the last run.", labels, r.exit_code);
  auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  m.gauge("memconn_last_run_timestamp_seconds", "Unix time the last run ended.", labels, now);
  if (r.exit_code == 0) m.gauge("memconn_last_success_timestamp_seconds", "Unix time of the last fully successful run.", labels, now);
  return write_metrics_file(path, m.text());
}

}  // namespace memconn
