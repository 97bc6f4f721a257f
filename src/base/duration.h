// Human durations for config values and flags ("30s", "5m", "1h30m", "7d").
#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace memconn {

// Parses a sequence of <integer><unit> parts, units ms, s, m, h, d, w (any order, summed):
// "500ms", "30s", "1h30m", "2w". A bare integer means seconds, because that is what every
// timeout flag in the tools people compare us with takes. Surrounding blanks are ignored.
// Negative, fractional or overflowing values are errors; the message quotes the text.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// Compact form that parse_duration reads back to the same value: "1h30m", "45s", "1d2h",
// "1s500ms", "0s". Days are the largest unit because "14d" reads better than "2w".
std::string format_duration(std::chrono::milliseconds d);

}  // namespace memconn
