// Conversation times as the two exports write them, to the ISO-8601 UTC form memconn sends:
// ChatGPT uses epoch seconds as floats (1733000000.123), Claude.ai ISO-8601 strings with
// microseconds. Times before 1970 or past what the clock holds (2262) are refused rather than
// wrapped: no chat is that old, and none is from the future.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "base/iso_time.h"

namespace memconn {

// nullopt for NaN, infinities and times before 1970 or after 2262-04-11.
std::optional<SysTime> time_from_epoch_seconds(double seconds);
// nullopt when parse_iso8601 cannot read it, or it is before 1970.
std::optional<SysTime> time_from_iso(std::string_view text);

}  // namespace memconn
