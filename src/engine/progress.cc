#include "engine/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>


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
  const uint64_t acknowledged = c.sent + c.already_present;
  const uint64_t settled = acknowledged + c.duplicates + c.failed;
  double rate = in.elapsed_s > 0 ? static_cast<double>(acknowledged) / in.elapsed_s : 0;
  std::string s = std::to_string(acknowledged) + " sent  " + format_rate(rate) + "/s";
  if (in.total_bytes > 0) {
    // Items per byte so far, times the bytes there are: exact once everything is read.
    const bool all_read = c.bytes_read >= in.total_bytes;
    uint64_t total = 0;
    if (all_read) total = c.items_read;
    else if (c.bytes_read > 0)
      total = std::max<uint64_t>(c.items_read, static_cast<uint64_t>(std::llround(
                                                    static_cast<double>(c.items_read) *
                                                    static_cast<double>(in.total_bytes) / static_cast<double>(c.bytes_read))));
    double frac = total > 0 ? std::min(1.0, static_cast<double>(settled) / static_cast<double>(total)) : 0;
    int width = 20;
    int filled = static_cast<int>(frac * width);
    std::string of = total > 0 ? "/" + std::string(all_read ? "" : "~") + std::to_string(total) : "";
    s = "[" + std::string(filled, '#') + std::string(width - filled, '-') + "] " +
        std::to_string(static_cast<int>(frac * 100)) + "%  " + std::to_string(acknowledged) + of + " sent  " +
        format_rate(rate) + "/s";
    double eta = frac > 0 ? in.elapsed_s * (1 - frac) / frac : NAN;
    s += "  ETA " + format_eta(eta);
  }
  s += "  retries " + std::to_string(c.retries) + "  failed " + std::to_string(c.failed);
  if (in.concurrency > 0) s += "  workers " + std::to_string(in.concurrency) + " (auto)";
  if (in.breaker_open) s += "  [target down: paused]";
  return s;
}

ProgressMeter::ProgressMeter(uint64_t total_bytes, Sink sink, Clock clock, std::chrono::milliseconds interval)
    : total_bytes_(total_bytes), sink_(std::move(sink)), clock_(std::move(clock)), interval_(interval),
      started_(clock_()), last_draw_(started_) {}

void ProgressMeter::tick(const Counters& counters, int concurrency, bool breaker_open) {
  auto now = clock_();
  if (drawn_ && now - last_draw_ < interval_) return;
  drawn_ = true;
  last_draw_ = now;
  sink_(progress_line(ProgressInput{counters, total_bytes_, std::chrono::duration<double>(now - started_).count(),
                                    breaker_open, concurrency}));
}

}  // namespace memconn
