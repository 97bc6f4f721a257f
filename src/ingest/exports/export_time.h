// Conversation times as the two exports write them, to the ISO-8601 UTC form memconn sends:
// ChatGPT uses epoch seconds as floats (1733000000.123), Claude.ai ISO-8601 strings with
// microseconds. Values no calendar can show are refused rather than wrapped.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "base/iso_time.h"

namespace memconn {

// nullopt for NaN, infinities and times before 1970 or after 9999.
std::optional<SysTime> time_from_epoch_seconds(double seconds);
// nullopt when parse_iso8601 cannot read it.
std::optional<SysTime> time_from_iso(std::string_view text);

}  // namespace memconn
