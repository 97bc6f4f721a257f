#include "config/schedule.h"

#include <array>
#include <cctype>
#include <vector>

#include "base/duration.h"
#include "base/exit_codes.h"

namespace memconn {

namespace {

using namespace std::chrono;

struct Field {
  const char* name;
  int min;
  int max;
  const char* const* names;  // names[i] means value min + i; nullptr if the field has none
  int name_count;
  const char* name_kind;  // for messages: "month name", "day name"
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

constexpr Field kFields[5] = {
    {"minute", 0, 59, nullptr, 0, nullptr},
    {"hour", 0, 23, nullptr, 0, nullptr},
    {"day-of-month", 1, 31, nullptr, 0, nullptr},
    {"month", 1, 12, kMonthNames, 12, "month name"},
    {"day-of-week", 0, 7, kDayNames, 7, "day name"},  // 7 is folded into 0 (Sunday) after parsing
};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Field-level problem; parse() prefixes `bad schedule "<text>": `.
struct Problem {
  std::string what;
};

std::optional<Problem> parse_value(const Field& f, std::string_view tok, int& out) {
  if (all_digits(tok)) {
    if (tok.size() > 3) return Problem{std::string(f.name) + " value " + std::string(tok) + " is out of range"};
    int v = std::stoi(std::string(tok));
    if (v < f.min || v > f.max) {
      return Problem{std::string(f.name) + " value " + std::to_string(v) + " is out of range " +
                     std::to_string(f.min) + "-" + std::to_string(f.max)};
    }
    out = v;
    return std::nullopt;
  }
  std::string u = upper(tok);
  for (int i = 0; i < f.name_count; ++i) {
    if (u == f.names[i]) {
      out = f.min + i;
      return std::nullopt;
    }
  }
  std::string kind = f.name_kind ? " is not a number or " + std::string(f.name_kind) : " is not a number";
  return Problem{std::string(f.name) + " value \"" + std::string(tok) + "\"" + kind};
}

// One comma-separated field into a bit mask over [f.min, f.max].
std::optional<Problem> parse_field(const Field& f, std::string_view text, uint64_t& mask) {
  mask = 0;
  size_t pos = 0;
  while (true) {
    size_t comma = text.find(',', pos);
    std::string_view item = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (item.empty()) return Problem{std::string(f.name) + " has an empty list item"};

    std::string_view range = item;
    int step = 1;
    bool has_step = false;
    if (auto slash = item.find('/'); slash != std::string_view::npos) {
      range = item.substr(0, slash);
      std::string_view st = item.substr(slash + 1);
      if (!all_digits(st)) return Problem{std::string(f.name) + " step \"" + std::string(st) + "\" is not a number"};
      step = st.size() > 4 ? 10000 : std::stoi(std::string(st));
      if (step == 0) return Problem{std::string(f.name) + " step must be > 0"};
      has_step = true;
    }
    int lo, hi;
    if (range == "*") {
      lo = f.min;
      hi = f.max;
      // "*/90" for "every 90 minutes" is a classic mistake: cron steps restart every hour.
      if (step > f.max - f.min) {
        return Problem{std::string(f.name) + " step " + std::to_string(step) + " is larger than the range " +
                       std::to_string(f.min) + "-" + std::to_string(f.max) +
                       " (for longer intervals use \"every <duration>\")"};
      }
    } else if (auto dash = range.find('-'); dash != std::string_view::npos) {
      if (auto p = parse_value(f, range.substr(0, dash), lo)) return p;
      if (auto p = parse_value(f, range.substr(dash + 1), hi)) return p;
      if (lo > hi) {
        return Problem{std::string(f.name) + " range " + std::string(range) + " is backwards"};
      }
    } else {
      if (auto p = parse_value(f, range, lo)) return p;
      hi = has_step ? f.max : lo;  // "a/n" = from a to the end, every n
    }
    for (int v = lo; v <= hi; v += step) mask |= uint64_t{1} << v;

    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return std::nullopt;
}

std::vector<std::string_view> split_blanks(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Longest each month can be; February gets 29 because leap years exist.
constexpr int kMaxDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// Lowest set bit >= from, or -1.
int next_bit(uint64_t mask, int from, int limit) {
  for (int i = from; i < limit; ++i) {
    if (mask & (uint64_t{1} << i)) return i;
  }
  return -1;
}

}  // namespace

Result<Schedule> Schedule::parse(std::string_view input) {
  std::string_view text = trim(input);
  auto fail = [&](std::string_view why) {
    return Error{"bad schedule \"" + std::string(text) + "\": " + std::string(why), exit_code::kConfig};
  };

  Schedule s;
  s.text_ = std::string(text);

  auto words = split_blanks(text);
  if (!words.empty() && upper(words[0]) == "EVERY") {
    if (words.size() == 1) return fail("missing duration after \"every\"");
    if (words.size() > 2) return fail("expected \"every <duration>\" with no blanks in the duration, e.g. \"every 1h30m\"");
    auto d = parse_duration(words[1]);
    if (!d.ok()) return fail(d.error().message);
    if (d->count() <= 0) return fail("interval must be > 0");
    s.interval_ = *d;
    return s;
  }

  std::string expr(text);
  if (!text.empty() && text.front() == '@') {
    std::string a = upper(text);
    if (a == "@HOURLY") expr = "0 * * * *";
    else if (a == "@DAILY" || a == "@MIDNIGHT") expr = "0 0 * * *";
    else if (a == "@WEEKLY") expr = "0 0 * * 0";
    else if (a == "@MONTHLY") expr = "0 0 1 * *";
    else if (a == "@YEARLY" || a == "@ANNUALLY") expr = "0 0 1 1 *";
    else return fail("unknown alias (use @hourly, @daily, @weekly, @monthly or @yearly)");
    words = split_blanks(expr);
  }

  if (words.size() != 5) {
    std::string why = "expected \"every <duration>\" or 5 cron fields (minute hour day-of-month month day-of-week), got " +
                      std::to_string(words.size()) + " field" + (words.size() == 1 ? "" : "s");
    if (words.size() == 6) why += " (a seconds field is not supported)";
    return fail(why);
  }

  uint64_t masks[5];
  for (int i = 0; i < 5; ++i) {
    if (auto p = parse_field(kFields[i], words[i], masks[i])) return fail(p->what);
  }
  s.minutes_ = masks[0];
  s.hours_ = static_cast<uint32_t>(masks[1]);
  s.doms_ = static_cast<uint32_t>(masks[2]);
  s.months_ = static_cast<uint16_t>(masks[3]);
  uint64_t dow = masks[4];
  if (dow & (uint64_t{1} << 7)) dow = (dow | 1) & 0x7f;  // 7 -> Sunday
  s.dows_ = static_cast<uint8_t>(dow);
  s.dom_restricted_ = words[2].front() != '*';
  s.dow_restricted_ = words[4].front() != '*';

  // With an unrestricted day-of-week, the day-of-month must exist in some chosen month.
  if (s.dom_restricted_ && !s.dow_restricted_) {
    bool possible = false;
    for (int m = 1; m <= 12 && !possible; ++m) {
      if (!(s.months_ & (1u << m))) continue;
      for (int d = 1; d <= kMaxDays[m]; ++d) {
        if (s.doms_ & (1u << d)) {
          possible = true;
          break;
        }
      }
    }
    if (!possible) return fail("day-of-month never occurs in the chosen month(s), so it would never run");
  }
  return s;
}

Schedule Schedule::every(milliseconds interval) {
  Schedule s;
  s.interval_ = interval;
  s.text_ = "every " + format_duration(interval);
  return s;
}

Schedule::TimePoint Schedule::next_after(TimePoint t) const {
  if (is_interval()) return t + interval_;

  sys_time<minutes> start = floor<minutes>(t) + minutes(1);
  sys_days day = floor<days>(start);
  const sys_days give_up = day + days(9 * 366);  // covers the 8-year leap gap around 2100
  int hh = static_cast<int>(duration_cast<hours>(start - day).count());
  int mm = static_cast<int>((start - day - hours(hh)).count());

  while (day <= give_up) {
    year_month_day ymd{day};
    unsigned mon = static_cast<unsigned>(ymd.month());
    if (!(months_ & (1u << mon))) {
      day = sys_days{year_month_day{ymd.year() / ymd.month() / 1} + months(1)};
      hh = mm = 0;
      continue;
    }
    bool dom_ok = doms_ & (1u << static_cast<unsigned>(ymd.day()));
    bool dow_ok = dows_ & (1u << weekday{day}.c_encoding());
    // Unrestricted masks are full, so AND is right unless both are restricted.
    bool day_ok = (dom_restricted_ && dow_restricted_) ? (dom_ok || dow_ok) : (dom_ok && dow_ok);
    if (!day_ok) {
      day += days(1);
      hh = mm = 0;
      continue;
    }
    int h = next_bit(hours_, hh, 24);
    if (h < 0) {
      day += days(1);
      hh = mm = 0;
      continue;
    }
    if (h != hh) {
      hh = h;
      mm = 0;
    }
    int m = next_bit(minutes_, mm, 60);
    if (m < 0) {
      ++hh;
      mm = 0;
      if (hh == 24) {
        day += days(1);
        hh = 0;
      }
      continue;
    }
    return day + hours(hh) + minutes(m);
  }
  return TimePoint::max();
}

bool Schedule::is_due(std::optional<TimePoint> last_run, TimePoint now) const {
  if (!last_run) return true;
  return next_after(*last_run) <= now;
}

}  // namespace memconn
