// When a connector runs: "every <duration>" or a 5-field cron expression.
//
// Cron fields are evaluated in UTC, always. A daemon's local zone changes with the host and
// with DST, and a schedule that silently shifts by an hour twice a year (or runs twice in the
// repeated hour) is worse than one the user has to convert once.
//
// Nothing here reads the clock: callers pass `now`, so tests and the daemon agree exactly.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace memconn {

class Schedule {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // Accepts:
  //   every <duration>          e.g. "every 1h", "every 15m" (see parse_duration)
  //   min hour dom month dow    cron: * a a-b a,b */n a-b/n a/n; month names JAN-DEC and day
  //                             names SUN-SAT (any case); dow 0-7 where 0 and 7 are Sunday
  //   @hourly @daily @midnight @weekly @monthly @yearly @annually
  // Day rule (Vixie cron): if both day-of-month and day-of-week are restricted, a day
  // matches when EITHER does; a field that starts with '*' (including "*/2") counts as
  // unrestricted, and then both must match.
  // Errors: `bad schedule "<text>": <field> <problem>`, exit_code::kConfig. Expressions that
  // can never fire (e.g. "0 0 30 2 *") are rejected rather than silently never running.
  static Result<Schedule> parse(std::string_view text);

  // A fixed interval (> 0); text() is "every <format_duration(interval)>".
  static Schedule every(std::chrono::milliseconds interval);

  // Cron: the first matching minute strictly after t. Interval: t + interval.
  // Returns TimePoint::max() if no match within 9 years (cannot happen for parsed schedules).
  TimePoint next_after(TimePoint t) const;

  // Never run -> due. Otherwise due iff next_after(last_run) <= now.
  bool is_due(std::optional<TimePoint> last_run, TimePoint now) const;

  // The expression as written (trimmed), for status output and state files.
  const std::string& text() const { return text_; }
  bool is_interval() const { return interval_.count() > 0; }
  std::chrono::milliseconds interval() const { return interval_; }

 private:
  Schedule() = default;

  std::string text_;
  std::chrono::milliseconds interval_{0};  // > 0 for "every"; then the masks are unused
  uint64_t minutes_ = 0;                   // bit i = minute i
  uint32_t hours_ = 0;
  uint32_t doms_ = 0;    // bits 1..31
  uint16_t months_ = 0;  // bits 1..12
  uint8_t dows_ = 0;     // bits 0..6, 0 = Sunday
  bool dom_restricted_ = false;
  bool dow_restricted_ = false;
};

}  // namespace memconn
