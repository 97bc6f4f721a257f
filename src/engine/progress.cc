#include "engine/progress.h"

#include <cmath>
#include <cstdio>

#include "base/plural.h"

namespace memconn {

std::string format_rate(double v) {
  char buf[32];
  if (v >= 10000) std::snprintf(buf, sizeof buf, "%.1fk", v / 1000);
  else std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::string format_eta(double s) {
  if (!std::isfinite(s) || s < 0) return "--:--";
  auto t = static_cast<long>(s + 0.5);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%02ld:%02ld", t / 60, t % 60);
  return buf;
}

std::string progress_line(const ProgressInput& in) {
  const auto& c = in.counters;
  uint64_t done = c.sent + c.already_present + c.duplicates + c.failed;
  double rate = in.elapsed_s > 0 ? static_cast<double>(done) / in.elapsed_s : 0;
  std::string s = count_of(done, "item") + "  " + format_rate(rate) + "/s";
  if (in.total_bytes > 0) {
    double frac = std::min(1.0, static_cast<double>(c.bytes_read) / static_cast<double>(in.total_bytes));
    int width = 20;
    int filled = static_cast<int>(frac * width);
    s = "[" + std::string(filled, '#') + std::string(width - filled, '-') + "] " +
        std::to_string(static_cast<int>(frac * 100)) + "%  " + s;
    double eta = frac > 0 ? in.elapsed_s * (1 - frac) / frac : NAN;
    s += "  ETA " + format_eta(eta);
  }
  s += "  retries " + std::to_string(c.retries) + "  failed " + std::to_string(c.failed);
  if (in.concurrency > 0) s += "  workers " + std::to_string(in.concurrency) + " (auto)";
  if (in.breaker_open) s += "  [target down: paused]";
  return s;
}

}  // namespace memconn
