#include "connectors/status.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include "connectors/report.h"
#include "base/exit_codes.h"

using namespace memconn;
using namespace std::chrono;

namespace {

struct World {
  ConnectorConfig hourly, cron, off;
  SourceConfig src;
  TargetConfig rag;
  ConnectorState hourly_state;
  SysTime now = *parse_iso8601("2026-01-01T10:30:00Z");
  World() {
    src.name = "pendant";
    src.kind = SourceKind::kMemoryApi;
    rag.name = "rag";
    rag.kind = TargetKind::kLightrag;
    hourly.name = "p2r";
    hourly.source = "pendant";
    hourly.target = "rag";
    hourly.schedule = *Schedule::parse("every 1h");
    cron = hourly;
    cron.name = "quarter";
    cron.schedule = *Schedule::parse("*/15 * * * *");
    off = hourly;
    off.name = "paused";
    off.enabled = false;
    hourly_state.last_run_started = "2026-01-01T10:00:00Z";
    hourly_state.last_success = "2026-01-01T10:00:00Z";
    hourly_state.cursor = "2026-01-01T09:59:00Z";
    hourly_state.total_sent = 200;
    add_run(hourly_state.runs, RunRecord{"sync", "2026-01-01T10:00:00Z", "2026-01-01T10:00:02Z", "ok", 200, 0, 0, 5, "",
                                         205, 3, "source pendant: full response"});
  }
  std::vector<ConnectorView> views() {
    ConnectorView a{&hourly, &src, &rag, &hourly_state, 2, false, false};
    ConnectorView b{&cron, &src, &rag, nullptr, 0, false, false};
    ConnectorView c{&off, &src, &rag, nullptr, 0, false, false};
    return {a, b, c};
  }
};

}  // namespace

TEST_CASE("next due: never run = now, else the schedule after the last run, disabled = none") {
  World w;
  CHECK(format_iso8601(*next_due(w.hourly, &w.hourly_state, w.now)) == "2026-01-01T11:00:00Z");
  CHECK(*next_due(w.cron, nullptr, w.now) == w.now);
  ConnectorState ran;
  ran.last_run_started = "2026-01-01T10:16:00Z";
  CHECK(format_iso8601(*next_due(w.cron, &ran, w.now)) == "2026-01-01T10:30:00Z");  // due exactly now
  CHECK_FALSE(next_due(w.off, nullptr, w.now).has_value());
}

TEST_CASE("due now: a per-minute crontab does not make interval schedules drift") {
  World w;
  w.hourly_state.last_run_started = "2026-01-01T10:00:03Z";  // cron started us 3 s into the minute
  CHECK(due_now(w.hourly, &w.hourly_state, *parse_iso8601("2026-01-01T11:00:02Z")));
  CHECK_FALSE(due_now(w.hourly, &w.hourly_state, *parse_iso8601("2026-01-01T10:58:59Z")));
  ConnectorState ran;
  ran.last_run_started = "2026-01-01T10:15:02Z";
  CHECK_FALSE(due_now(w.cron, &ran, *parse_iso8601("2026-01-01T10:29:59Z")));  // cron: exact slots
  CHECK(due_now(w.cron, &ran, *parse_iso8601("2026-01-01T10:30:01Z")));
  CHECK_FALSE(due_now(w.off, nullptr, w.now));
  CHECK(due_now(w.cron, nullptr, w.now));
}

TEST_CASE("list: a table for people and JSON for scripts") {
  World w;
  auto table = list_table(w.views(), w.now);
  CHECK(table ==
        "NAME     SOURCE → TARGET  SCHEDULE      ENABLED  NEXT DUE\n"
        "p2r      pendant → rag    every 1h      yes      2026-01-01T11:00:00Z\n"
        "quarter  pendant → rag    */15 * * * *  yes      now\n"
        "paused   pendant → rag    every 1h      no       disabled\n");
  simdjson::dom::parser p;
  auto doc = p.parse(list_json(w.views(), w.now));
  auto list = doc["connectors"].get_array();
  CHECK(list.size() == 3);
  CHECK(list.at(0)["next_due"].get_string().value() == "2026-01-01T11:00:00Z");
  CHECK(list.at(2)["next_due"].is_null());
  CHECK(list.at(0)["target_kind"].get_string().value() == "lightrag");
}

TEST_CASE("status: last run, counts, cursor, next due, dead letters, running or died") {
  World w;
  auto v = w.views();
  CommandPaths paths;
  paths.config = "/c/config.toml";
  paths.config_exists = true;
  paths.state = "/s/state.json";
  paths.dead_letter = "/s/dead-letter.jsonl";
  auto text = status_text({v[0]}, w.now, paths);
  CHECK(text.find("p2r: pendant (memory-api) → rag (lightrag), every 1h\n") == 0);
  CHECK(text.find("  running:      no\n") != std::string::npos);
  CHECK(text.find("(sync) ok: 205 fetched, 200 sent, 0 already present, 0 failed, 5 processed before, 3 empty skipped") !=
        std::string::npos);
  CHECK(text.find("  warning:      source pendant: full response\n") != std::string::npos);
  CHECK(text.find("  next due:     2026-01-01T11:00:00Z\n") != std::string::npos);
  CHECK(text.find("  cursor:       2026-01-01T09:59:00Z") != std::string::npos);
  CHECK(text.find("  dead letters: 2 in /s/dead-letter.jsonl") != std::string::npos);
  CHECK(text.find(" 1 run recorded\n") != std::string::npos);  // not "1 runs"
  // Where everything is, as the command resolved it, closes the report.
  CHECK(text.find("\n\nconfig:       /c/config.toml\nstate:        /s/state.json\ndead letters: /s/dead-letter.jsonl\n") !=
        std::string::npos);
  w.hourly_state.running_pid = 4242;
  w.hourly_state.running_since = "2026-01-01T10:29:00Z";
  v[0].died = true;
  CHECK(status_text({v[0]}, w.now, CommandPaths{}).find("died without finishing") != std::string::npos);
  CHECK(status_text({v[1]}, w.now, CommandPaths{}).find("  last run:     never\n") != std::string::npos);

  simdjson::dom::parser p;
  auto doc = p.parse(status_json(v, w.now, paths));
  CHECK(doc["state_file"].get_string().value() == "/s/state.json");
  CHECK(doc["config_file"].get_string().value() == "/c/config.toml");
  auto first = doc["connectors"].at(0);
  CHECK(first["last_run"]["sent"].get_uint64().value() == 200);
  CHECK(first["dead_letters"].get_uint64().value() == 2);
  CHECK(first["died"].get_bool().value());
  CHECK(first["running_pid"].get_uint64().value() == 4242);
  CHECK(doc["connectors"].at(1)["last_run"].is_null());
}

TEST_CASE("exit codes of several connector runs: signals, then 4, 69, 1") {
  CHECK(combine_exit_codes({}) == 0);
  CHECK(combine_exit_codes({0, 1, 0}) == 1);
  CHECK(combine_exit_codes({1, 69}) == 69);
  CHECK(combine_exit_codes({69, 4, 1}) == 4);
  CHECK(combine_exit_codes({4, exit_code::kSigTerm}) == exit_code::kSigTerm);
}
