#include "ingest/exports/export_time.h"

#include <cmath>

namespace memconn {

std::optional<SysTime> time_from_epoch_seconds(double seconds) {
  // 9223372035 s is 2262-04-11T23:47:15Z, the last second the nanosecond clock can hold
  // (fuzzing found the overflow past it).
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 9223372035.0) return std::nullopt;
  return SysTime(std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)));
}

std::optional<SysTime> time_from_iso(std::string_view text) {
  auto t = parse_iso8601(text);
  if (!t || *t < SysTime{}) return std::nullopt;
  return t;
}

}  // namespace memconn
