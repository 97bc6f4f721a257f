#include "ingest/exports/export_time.h"

#include <cmath>

namespace memconn {

std::optional<SysTime> time_from_epoch_seconds(double seconds) {
  // 253402300799 is 9999-12-31T23:59:59Z: past it format_iso8601 would print a five-digit
  // year, and a double that large no longer fits the clock's milliseconds.
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 253402300799.0) return std::nullopt;
  return SysTime(std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)));
}

std::optional<SysTime> time_from_iso(std::string_view text) {
  auto t = parse_iso8601(text);
  if (!t) return std::nullopt;
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
  if (secs < 0 || secs > 253402300799) return std::nullopt;
  return t;
}

}  // namespace memconn
