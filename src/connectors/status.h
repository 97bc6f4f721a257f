// `memconn list` and `memconn status`: what each connector is, when it runs next, and how
// its last runs went. Pure rendering of config + state + a few facts the command gathers
// (dead-letter count, whether a run is alive), so the output is unit-tested.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "config/command_setup.h"
#include "config/config.h"
#include "base/iso_time.h"
#include "state/state.h"

namespace memconn {

// Next time `sync` will run it: nullopt when disabled; `now` when it never ran; otherwise
// the schedule's next slot after the last run (possibly in the past = overdue).
std::optional<SysTime> next_due(const ConnectorConfig& c, const ConnectorState* st, SysTime now);
// Whether `sync` runs it now. An interval schedule tolerates a tenth of its interval (at most
// a minute) of earliness: started by a per-minute crontab at 10:00:03, `every 1h` must run
// again at 11:00:02, not drift to 11:01. Cron schedules need no slack (slots are minutes).
bool due_now(const ConnectorConfig& c, const ConnectorState* st, SysTime now);

struct ConnectorView {
  const ConnectorConfig* connector = nullptr;
  const SourceConfig* source = nullptr;
  const TargetConfig* target = nullptr;
  const ConnectorState* state = nullptr;  // nullptr: never ran
  size_t dead_letters = 0;                // entries for this connector in the dead-letter file
  bool running = false;                   // a live process holds its running marker
  bool died = false;                      // the marker is set but its process is gone
};

std::string list_table(const std::vector<ConnectorView>& views, SysTime now);
std::string list_json(const std::vector<ConnectorView>& views, SysTime now);
// Both end with where the config, the state and the dead letters are (config/command_setup).
std::string status_text(const std::vector<ConnectorView>& views, SysTime now, const CommandPaths& paths);
std::string status_json(const std::vector<ConnectorView>& views, SysTime now, const CommandPaths& paths);
// {"connector": NAME, "runs": [...]}: the run history (oldest first), as status_json has it.
std::string history_json(const ConnectorView& view);

}  // namespace memconn
