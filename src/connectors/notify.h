// Alerts: a connector may name a notify_url that gets a small JSON document when a run goes
// wrong (failed, partial, auth, unreachable) or recovers. Sent on changes only, so a target
// that stays down alerts once, not every run; never carries keys or item text.
#pragma once
#include <optional>
#include <string>

#include "connectors/run.h"

namespace memconn {

// "failed" / "partial" / "auth" / "unreachable" when the result turned bad or changed how
// it is bad, "recovered" when it turned ok again; nullopt otherwise. previous = "" when the
// connector never ran; an interrupted run is no news either way.
std::optional<std::string> alert_event(const std::string& previous, const std::string& result);

// {"event","connector","result","previous_result","command","started","finished","fetched",
//  "sent","failed","target_failed","error","warning"}
std::string alert_body(const std::string& event, const std::string& previous, const ConnectorRunReport& rep);

}  // namespace memconn
