#include "connectors/status.h"

#include <algorithm>

#include "base/exit_codes.h"
#include "base/json_writer.h"
#include "base/plural.h"

namespace memconn {

namespace {

const char* kind_name(SourceKind k) { return k == SourceKind::kMemoryApi ? "memory-api" : "http-json"; }

const RunRecord* last_run(const ConnectorView& v) {
  return v.state && !v.state->runs.empty() ? &v.state->runs.back() : nullptr;
}

std::string due_text(const ConnectorView& v, SysTime now) {
  auto d = next_due(*v.connector, v.state, now);
  if (!d) return v.connector->paused && v.connector->enabled ? "paused" : "disabled";
  if (*d <= now) return "now";
  return format_iso8601(*d);
}

std::string run_counts(const RunRecord& r) {
  std::string s = std::to_string(r.fetched) + " fetched, " + std::to_string(r.sent) + " sent, " +
                  std::to_string(r.duplicates) + " already present, " + std::to_string(r.failed) + " failed";
  if (r.updated) s += ", " + std::to_string(r.updated) + " updated";
  if (r.skipped) s += ", " + std::to_string(r.skipped) + " processed before";
  if (r.skipped_empty) s += ", " + std::to_string(r.skipped_empty) + " empty skipped";
  return s;
}

std::string pad(std::string s, size_t width) {
  // Display width: count UTF-8 lead bytes so the arrow takes one column.
  size_t cols = 0;
  for (unsigned char c : s) cols += (c & 0xC0) != 0x80;
  if (cols < width) s.append(width - cols, ' ');
  return s;
}

void write_run(JsonWriter& w, const RunRecord& r) {
  w.begin_object().key("command").value(r.command).key("started").value(r.started).key("finished").value(r.finished);
  w.key("result").value(r.result).key("fetched").value(r.fetched).key("sent").value(r.sent);
  w.key("already_present").value(r.duplicates).key("failed").value(r.failed).key("processed_before").value(r.skipped);
  w.key("skipped_empty").value(r.skipped_empty).key("updated").value(r.updated);
  w.key("warning");
  if (r.warning.empty()) w.null();
  else w.value(r.warning);
  w.key("error");
  if (r.error.empty()) w.null();
  else w.value(r.error);
  w.end_object();
}

}  // namespace

std::optional<SysTime> next_due(const ConnectorConfig& c, const ConnectorState* st, SysTime now) {
  if (!c.enabled || c.paused) return std::nullopt;
  auto last = st ? parse_iso8601(st->last_run_started) : std::nullopt;
  if (!last) return now;
  return c.schedule.next_after(*last);
}

bool due_now(const ConnectorConfig& c, const ConnectorState* st, SysTime now) {
  auto d = next_due(c, st, now);
  if (!d) return false;
  auto slack = std::chrono::milliseconds(0);
  if (c.schedule.is_interval()) slack = std::min<std::chrono::milliseconds>(c.schedule.interval() / 10, std::chrono::minutes(1));
  return *d - slack <= now;
}

std::string list_table(const std::vector<ConnectorView>& views, SysTime now) {
  std::vector<std::vector<std::string>> rows{{"NAME", "SOURCE → TARGET", "SCHEDULE", "ENABLED", "NEXT DUE"}};
  for (const auto& v : views)
    rows.push_back({v.connector->name, v.connector->source + " → " + v.connector->target, v.connector->schedule.text(),
                    v.connector->enabled ? "yes" : "no", due_text(v, now)});
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      size_t cols = 0;
      for (unsigned char c : r[i]) cols += (c & 0xC0) != 0x80;
      width[i] = std::max(width[i], cols);
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) line += i + 1 < r.size() ? pad(r[i], width[i] + 2) : r[i];
    out += line + "\n";
  }
  return out;
}

std::string list_json(const std::vector<ConnectorView>& views, SysTime now) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().envelope("list", "ok", exit_code::kOk).key("connectors").begin_array();
  for (const auto& v : views) {
    const auto& c = *v.connector;
    w.begin_object().key("name").value(c.name).key("source").value(c.source).key("target").value(c.target);
    w.key("source_kind").value(v.source ? kind_name(v.source->kind) : "");
    w.key("target_kind").value(v.target ? target_kind_name(v.target->kind) : "");
    w.key("schedule").value(c.schedule.text()).key("enabled").value(c.enabled).key("paused").value(c.paused);
    w.key("next_due");
    auto d = next_due(c, v.state, now);
    if (d) w.value(format_iso8601(*d));
    else w.null();
    w.end_object();
  }
  w.end_array().end_object();
  return s;
}

std::string status_text(const std::vector<ConnectorView>& views, SysTime now, const CommandPaths& paths) {
  std::string out;
  for (const auto& v : views) {
    const auto& c = *v.connector;
    const ConnectorState* st = v.state;
    if (!out.empty()) out += "\n";
    out += c.name + ": " + c.source + " (" + (v.source ? kind_name(v.source->kind) : "?") + ") → " + c.target + " (" +
           (v.target ? target_kind_name(v.target->kind) : "?") + "), " + c.schedule.text() +
           (c.enabled ? "" : ", disabled") + (c.paused ? ", paused since " + c.paused_since : "") + "\n";
    if (v.running) out += "  running:      yes, since " + st->running_since + " (pid " + std::to_string(st->running_pid) + ")\n";
    else if (v.died) out += "  running:      no; the run started " + st->running_since + " (pid " + std::to_string(st->running_pid) + ") died without finishing\n";
    else out += "  running:      no\n";
    if (const auto* r = last_run(v)) {
      out += "  last run:     " + r->started + " .. " + r->finished + " (" + r->command + ") " + r->result + ": " +
             run_counts(*r) + "\n";
      if (!r->warning.empty()) out += "  warning:      " + r->warning + "\n";
      if (!r->error.empty()) out += "  error:        " + r->error + "\n";
    } else {
      out += "  last run:     never\n";
    }
    if (st && !st->last_success.empty()) out += "  last success: " + st->last_success + "\n";
    out += "  next due:     " + due_text(v, now) + "\n";
    if (st) {
      out += "  cursor:       " + (st->cursor.empty() ? std::string("none") : st->cursor) + " (" +
             count_of(st->recent_ids.size(), "recent id") + ", " + count_of(st->empty_ids.size(), "empty id") + ")\n";
      out += "  totals:       " + std::to_string(st->total_sent) + " sent, " + std::to_string(st->total_duplicates) +
             " already present, " + std::to_string(st->total_updated) + " updated, " + std::to_string(st->total_failed) +
             " failed, " + std::to_string(st->total_skipped_empty) + " empty skipped, " + count_of(st->runs.size(), "run") +
             " recorded\n";
    }
    out += "  dead letters: " + std::to_string(v.dead_letters);
    if (v.dead_letters) out += " in " + paths.dead_letter + " (memconn dlq list)";
    out += "\n";
  }
  if (!out.empty()) out += "\n";
  out += "config:       " + paths.config + (paths.config_exists ? "" : " (none: flags and environment only)") + "\n";
  out += "state:        " + paths.state + "\n";
  out += "dead letters: " + paths.dead_letter + "\n";
  return out;
}

std::string status_json(const std::vector<ConnectorView>& views, SysTime now, const CommandPaths& paths) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().envelope("status", "ok", exit_code::kOk);
  w.key("now").value(format_iso8601(now)).key("dead_letter_file").value(paths.dead_letter);
  w.key("config_file").value(paths.config).key("state_file").value(paths.state);
  w.key("connectors").begin_array();
  for (const auto& v : views) {
    const auto& c = *v.connector;
    const ConnectorState* st = v.state;
    w.begin_object().key("name").value(c.name).key("source").value(c.source).key("target").value(c.target);
    w.key("source_kind").value(v.source ? kind_name(v.source->kind) : "");
    w.key("target_kind").value(v.target ? target_kind_name(v.target->kind) : "");
    w.key("schedule").value(c.schedule.text()).key("enabled").value(c.enabled);
    w.key("paused").value(c.paused).key("paused_since");
    if (c.paused) w.value(c.paused_since);
    else w.null();
    w.key("running").value(v.running).key("died").value(v.died);
    w.key("running_pid");
    if (st && st->running_pid) w.value(st->running_pid);
    else w.null();
    w.key("next_due");
    auto d = next_due(c, st, now);
    if (d) w.value(format_iso8601(*d));
    else w.null();
    w.key("cursor").value(st ? st->cursor : "");
    w.key("recent_ids").value(static_cast<uint64_t>(st ? st->recent_ids.size() : 0));
    w.key("empty_ids").value(static_cast<uint64_t>(st ? st->empty_ids.size() : 0));
    w.key("last_run_started").value(st ? st->last_run_started : "");
    w.key("last_success").value(st ? st->last_success : "");
    w.key("totals").begin_object();
    w.key("sent").value(st ? st->total_sent : 0).key("already_present").value(st ? st->total_duplicates : 0);
    w.key("failed").value(st ? st->total_failed : 0).key("skipped_empty").value(st ? st->total_skipped_empty : 0);
    w.key("updated").value(st ? st->total_updated : 0);
    w.end_object();
    // An edit whose old copy was deleted from LightRAG and whose new one is not in yet
    // (a crash in between): the next run inserts it.
    w.key("pending_updates").value(static_cast<uint64_t>(st ? st->pending_updates.size() : 0));
    w.key("dead_letters").value(static_cast<uint64_t>(v.dead_letters));
    w.key("last_run");
    if (const auto* r = last_run(v)) write_run(w, *r);
    else w.null();
    w.key("runs").begin_array();
    if (st)
      for (const auto& r : st->runs) write_run(w, r);
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return s;
}

std::string history_json(const ConnectorView& v) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().key("connector").value(v.connector->name).key("runs").begin_array();
  if (v.state)
    for (const auto& r : v.state->runs) write_run(w, r);
  w.end_array().end_object();
  return s;
}

}  // namespace memconn
