#include "config/schedule.h"

#include <cstdio>
#include <doctest/doctest.h>

#include "base/exit_codes.h"

using namespace memconn;
using namespace std::chrono;

namespace {

Schedule::TimePoint at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours(h) + minutes(mi) + seconds(s);
}

// "YYYY-MM-DD HH:MM Dow" so a failing CHECK shows a readable date.
std::string show(Schedule::TimePoint tp) {
  if (tp == Schedule::TimePoint::max()) return "never";
  auto day = floor<days>(tp);
  year_month_day ymd{day};
  auto m = duration_cast<minutes>(tp - day).count();
  static const char* kDow[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d %s", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(m / 60),
                static_cast<int>(m % 60), kDow[weekday{day}.c_encoding()]);
  return buf;
}

Schedule sched(std::string_view text) {
  auto r = Schedule::parse(text);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return *r;
}

std::string next(std::string_view text, Schedule::TimePoint t) { return show(sched(text).next_after(t)); }

std::string err(std::string_view text) {
  auto r = Schedule::parse(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().exit_code == exit_code::kConfig);
  return r.error().message;
}

}  // namespace

TEST_CASE("schedule: every <duration> adds the interval") {
  auto s = sched("every 1h30m");
  CHECK(s.is_interval());
  CHECK(s.interval() == minutes(90));
  CHECK(s.text() == "every 1h30m");
  auto t = at(2024, 5, 1, 10, 7, 13);
  CHECK(s.next_after(t) == t + minutes(90));
  CHECK(sched("  every 15m ").text() == "every 15m");
  CHECK(sched("EVERY 2d").interval() == hours(48));
  CHECK(Schedule::every(minutes(15)).text() == "every 15m");
  CHECK(Schedule::every(minutes(15)).next_after(t) == t + minutes(15));
}

TEST_CASE("schedule: is_due") {
  auto s = sched("every 1h");
  auto t = at(2024, 5, 1, 10, 0);
  CHECK(s.is_due(std::nullopt, t));
  CHECK_FALSE(s.is_due(t, t + minutes(59)));
  CHECK(s.is_due(t, t + minutes(60)));
  auto c = sched("0 * * * *");
  CHECK(c.is_due(std::nullopt, t));
  CHECK_FALSE(c.is_due(at(2024, 5, 1, 10, 0, 30), at(2024, 5, 1, 10, 59, 59)));
  CHECK(c.is_due(at(2024, 5, 1, 10, 0, 30), at(2024, 5, 1, 11, 0)));
  CHECK(c.is_due(at(2024, 5, 1, 8, 0), at(2024, 5, 1, 10, 30)));  // missed runs: due once
}

TEST_CASE("schedule: cron next is strictly after t, at minute granularity") {
  CHECK(next("* * * * *", at(2024, 5, 1, 10, 0)) == "2024-05-01 10:01 Wed");
  CHECK(next("* * * * *", at(2024, 5, 1, 10, 0) + milliseconds(500)) == "2024-05-01 10:01 Wed");
  CHECK(next("*/15 * * * *", at(2024, 5, 1, 10, 7, 30)) == "2024-05-01 10:15 Wed");
  CHECK(next("*/15 * * * *", at(2024, 5, 1, 10, 15)) == "2024-05-01 10:30 Wed");
  CHECK(next("*/15 * * * *", at(2024, 5, 1, 10, 50)) == "2024-05-01 11:00 Wed");
  CHECK(next("30 9 * * *", at(2024, 5, 1, 9, 30)) == "2024-05-02 09:30 Thu");
  CHECK(next("30 9 * * *", at(2024, 5, 1, 9, 29, 59)) == "2024-05-01 09:30 Wed");
  CHECK(next("0-30/10 * * * *", at(2024, 5, 1, 10, 21)) == "2024-05-01 10:30 Wed");
  CHECK(next("0-30/10 * * * *", at(2024, 5, 1, 10, 30)) == "2024-05-01 11:00 Wed");
  CHECK(next("5,50 8,20 * * *", at(2024, 5, 1, 8, 6)) == "2024-05-01 08:50 Wed");
  CHECK(next("5,50 8,20 * * *", at(2024, 5, 1, 8, 51)) == "2024-05-01 20:05 Wed");
  CHECK(next("10/20 * * * *", at(2024, 5, 1, 10, 31)) == "2024-05-01 10:50 Wed");
}

TEST_CASE("schedule: year rollover and month ends") {
  CHECK(next("* * * * *", at(2023, 12, 31, 23, 59, 59)) == "2024-01-01 00:00 Mon");
  CHECK(next("0 0 * * *", at(2023, 12, 31, 0, 0)) == "2024-01-01 00:00 Mon");
  CHECK(next("0 12 1 1 *", at(2024, 1, 1, 12, 0)) == "2025-01-01 12:00 Wed");
  CHECK(next("0 0 31 * *", at(2023, 1, 31)) == "2023-03-31 00:00 Fri");   // no Feb 31
  CHECK(next("0 0 31 * *", at(2023, 3, 31)) == "2023-05-31 00:00 Wed");   // no Apr 31
  CHECK(next("0 0 30 * *", at(2024, 1, 30)) == "2024-03-30 00:00 Sat");
  CHECK(next("0 0 1 * *", at(2024, 2, 29, 23, 59)) == "2024-03-01 00:00 Fri");
  CHECK(next("0 0 * 2 *", at(2023, 2, 28)) == "2024-02-01 00:00 Thu");
}

TEST_CASE("schedule: Feb 29 only in leap years, 2100 is not one") {
  CHECK(next("0 0 29 2 *", at(2023, 3, 1)) == "2024-02-29 00:00 Thu");
  CHECK(next("0 0 29 2 *", at(2024, 2, 29)) == "2028-02-29 00:00 Tue");
  CHECK(next("0 0 29 2 *", at(2096, 3, 1)) == "2104-02-29 00:00 Fri");
  CHECK(next("0 0 28-29 2 *", at(2023, 2, 28)) == "2024-02-28 00:00 Wed");
}

TEST_CASE("schedule: day-of-month OR day-of-week when both are restricted") {
  // The 13th, or any Friday.
  CHECK(next("0 0 13 * 5", at(2024, 9, 1)) == "2024-09-06 00:00 Fri");
  CHECK(next("0 0 13 * 5", at(2024, 9, 6)) == "2024-09-13 00:00 Fri");
  CHECK(next("0 0 13 * fri", at(2024, 10, 11)) == "2024-10-13 00:00 Sun");
  // Only one restricted: it alone decides.
  CHECK(next("0 9 * * MON-FRI", at(2024, 9, 7, 10)) == "2024-09-09 09:00 Mon");
  CHECK(next("0 9 * * 1-5", at(2024, 9, 9, 9)) == "2024-09-10 09:00 Tue");
  CHECK(next("0 0 15 * *", at(2024, 9, 1)) == "2024-09-15 00:00 Sun");
  // Vixie: a field starting with '*' is unrestricted even with a step, so this is AND:
  // odd days that are Mondays (Sep 2 is a Monday but even; Sep 3 is odd but a Tuesday).
  CHECK(next("0 0 */2 * 1", at(2024, 9, 1)) == "2024-09-09 00:00 Mon");
}

TEST_CASE("schedule: day-of-week 7 and names mean Sunday - names are case-insensitive") {
  auto t = at(2024, 9, 2);  // Monday
  CHECK(next("0 0 * * 7", t) == "2024-09-08 00:00 Sun");
  CHECK(next("0 0 * * 0", t) == "2024-09-08 00:00 Sun");
  CHECK(next("0 0 * * sun", t) == "2024-09-08 00:00 Sun");
  CHECK(next("0 0 * * 5-7", t) == "2024-09-06 00:00 Fri");
  CHECK(next("0 0 * * Sat,SUN", t) == "2024-09-07 00:00 Sat");
  CHECK(next("0 0 1 jan,Jul *", t) == "2025-01-01 00:00 Wed");
  CHECK(next("0 0 1 JUL-aug *", t) == "2025-07-01 00:00 Tue");
}

TEST_CASE("schedule: aliases") {
  auto t = at(2024, 9, 4, 10, 30);  // Wednesday
  CHECK(next("@hourly", t) == "2024-09-04 11:00 Wed");
  CHECK(next("@daily", t) == "2024-09-05 00:00 Thu");
  CHECK(next("@midnight", t) == "2024-09-05 00:00 Thu");
  CHECK(next("@weekly", t) == "2024-09-08 00:00 Sun");
  CHECK(next("@monthly", t) == "2024-10-01 00:00 Tue");
  CHECK(next("@yearly", t) == "2025-01-01 00:00 Wed");
  CHECK(sched("@Daily").text() == "@Daily");
}

TEST_CASE("schedule: errors name the schedule and the wrong field") {
  CHECK(err("*/0 * * * *") == "bad schedule \"*/0 * * * *\": minute step must be > 0");
  CHECK(err("60 * * * *") == "bad schedule \"60 * * * *\": minute value 60 is out of range 0-59");
  CHECK(err("* 24 * * *") == "bad schedule \"* 24 * * *\": hour value 24 is out of range 0-23");
  CHECK(err("* * 0 * *") == "bad schedule \"* * 0 * *\": day-of-month value 0 is out of range 1-31");
  CHECK(err("* * 32 * *") == "bad schedule \"* * 32 * *\": day-of-month value 32 is out of range 1-31");
  CHECK(err("* * * 13 *") == "bad schedule \"* * * 13 *\": month value 13 is out of range 1-12");
  CHECK(err("* * * * 8") == "bad schedule \"* * * * 8\": day-of-week value 8 is out of range 0-7");
  CHECK(err("* * * FOO *") == "bad schedule \"* * * FOO *\": month value \"FOO\" is not a number or month name");
  CHECK(err("* * * * funday") ==
        "bad schedule \"* * * * funday\": day-of-week value \"funday\" is not a number or day name");
  CHECK(err("x * * * *") == "bad schedule \"x * * * *\": minute value \"x\" is not a number");
  CHECK(err("* 5-3 * * *") == "bad schedule \"* 5-3 * * *\": hour range 5-3 is backwards");
  CHECK(err("1,,2 * * * *") == "bad schedule \"1,,2 * * * *\": minute has an empty list item");
  CHECK(err("* * * * 1/x") == "bad schedule \"* * * * 1/x\": day-of-week step \"x\" is not a number");
  CHECK(err("*/90 * * * *").find("minute step 90 is larger than the range 0-59") != std::string::npos);
  CHECK(err("* * * *") ==
        "bad schedule \"* * * *\": expected \"every <duration>\" or 5 cron fields (minute hour day-of-month month "
        "day-of-week), got 4 fields");
  CHECK(err("0 0 0 * * *").find("got 6 fields (a seconds field is not supported)") != std::string::npos);
  CHECK(err("").find("got 0 fields") != std::string::npos);
  CHECK(err("@fortnightly").find("unknown alias") != std::string::npos);
  CHECK(err("every") == "bad schedule \"every\": missing duration after \"every\"");
  CHECK(err("every 0s") == "bad schedule \"every 0s\": interval must be > 0");
  CHECK(err("every 5x").find("unknown unit \"x\"") != std::string::npos);
  CHECK(err("0 0 30 2 *") ==
        "bad schedule \"0 0 30 2 *\": day-of-month never occurs in the chosen month(s), so it would never run");
  CHECK(err("0 0 31 4,6,9,11 *").find("never occurs") != std::string::npos);
  CHECK(Schedule::parse("0 0 30 2 1").ok());  // OR rule: every Monday in February still fires
}
