#include "base/duration.h"

#include <cstdint>
#include <limits>

#include "base/exit_codes.h"

namespace memconn {

namespace {

Error bad(std::string_view text, std::string_view why) {
  return Error{"bad duration \"" + std::string(text) + "\": " + std::string(why), exit_code::kUsage};
}

// Milliseconds per unit; 0 = unknown unit. "m" is minutes, "ms" milliseconds: the longest
// match wins because the caller hands us the whole run of letters.
int64_t unit_ms(std::string_view u) {
  if (u == "ms") return 1;
  if (u == "s") return 1000;
  if (u == "m") return 60'000;
  if (u == "h") return 3'600'000;
  if (u == "d") return 86'400'000;
  if (u == "w") return 7 * 86'400'000LL;
  return 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return bad(text, "empty");
  if (s.front() == '-') return bad(text, "must not be negative");

  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t total = 0;
  size_t i = 0;
  const bool all_digits = s.find_first_not_of("0123456789") == std::string_view::npos;
  while (i < s.size()) {
    if (!is_digit(s[i])) {
      return bad(text, "expected a number at \"" + std::string(s.substr(i)) + "\"");
    }
    int64_t n = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      int d = s[i] - '0';
      if (n > (kMax - d) / 10) return bad(text, "too large");
      n = n * 10 + d;
    }
    if (i < s.size() && s[i] == '.') return bad(text, "fractions are not supported; use a smaller unit");
    size_t u0 = i;
    while (i < s.size() && is_alpha(s[i])) ++i;
    std::string_view unit = s.substr(u0, i - u0);
    int64_t per = 0;
    if (unit.empty()) {
      // Only a lone number may omit the unit; "1h30" is more likely a typo than 1h and 30s.
      if (!all_digits) {
        return bad(text, "missing unit after " + std::to_string(n) + " (use ms, s, m, h, d or w)");
      }
      per = 1000;
    } else {
      per = unit_ms(unit);
      if (per == 0) {
        return bad(text, "unknown unit \"" + std::string(unit) + "\" (use ms, s, m, h, d or w)");
      }
    }
    if (n > (kMax - total) / per) return bad(text, "too large");
    total += n * per;
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  std::string out;
  uint64_t v;
  if (ms < 0) {
    out = "-";
    v = static_cast<uint64_t>(-(ms + 1)) + 1;  // safe for INT64_MIN
  } else {
    v = static_cast<uint64_t>(ms);
  }
  if (v == 0) return "0s";
  static constexpr struct {
    uint64_t ms;
    const char* unit;
  } kUnits[] = {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (const auto& u : kUnits) {
    if (v >= u.ms) {
      out += std::to_string(v / u.ms);
      out += u.unit;
      v %= u.ms;
    }
  }
  return out;
}

}  // namespace memconn
