// ISO-8601 / RFC 3339 timestamps as the connectors' sources write them, and the canonical
// UTC form memconn stores (cursors, run history). Pure: nothing here reads the clock.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace memconn {

using SysTime = std::chrono::system_clock::time_point;

// Accepts YYYY-MM-DD, optionally followed by 'T' or ' ' and HH:MM[:SS[.fraction]], then
// optionally 'Z'/'z' or an offset ±HH[:MM]. No zone means UTC: the Memory API's Go client
// reads "2006-01-02T15:04:05" that way, and guessing the host's zone would make cursors
// depend on where memconn runs. Fractions beyond milliseconds are truncated. Times the clock
// cannot hold (before 1677-09-22 or after 2262-04-11) are rejected.
std::optional<SysTime> parse_iso8601(std::string_view text);

// "2024-01-19T07:28:08Z", or "2024-01-19T07:28:08.250Z" when there are milliseconds.
std::string format_iso8601(SysTime t);

// The wall clock now, as format_iso8601 at second precision.
std::string now_iso8601();

// strftime(3) in UTC, e.g. "%Y-%m-%d %H:%M:%S". Output is capped at 256 bytes.
std::string format_utc(SysTime t, const char* strftime_format);

}  // namespace memconn
