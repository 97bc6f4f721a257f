// The progress line (TTY only): what the server acknowledged, not what was read or queued,
// and for inputs of known size, acknowledged/estimated-total with a bar and an ETA. The text
// is computed from counters, and drawn through an injected clock and sink, so both are
// tested without a terminal or a real clock.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "engine/ledger.h"

namespace memconn {

struct ProgressInput {
  Counters counters;
  // Bytes this run will read when every input is a regular file of known size (less what
  // resumed files skip); 0 when unknown (stdin, a pipe).
  uint64_t total_bytes = 0;
  double elapsed_s = 0;
  bool breaker_open = false;
  int concurrency = 0;  // --workers auto: requests allowed in flight now (0 = fixed, not shown)
};

// "[#####---------------] 25%  900/~3600 sent  90/s  ETA 00:30  retries 3  failed 1": the
// number is what the server acknowledged (sent + already present); the total is the items
// the inputs hold, estimated from the items per byte read so far ("~") until every byte is
// read. The bar and the ETA follow the items settled (acknowledged, duplicate or dead-lettered)
// out of that total. Without a known size: "900 sent  90/s  retries 3  failed 1".
std::string progress_line(const ProgressInput& in);
std::string format_rate(double per_second);
std::string format_eta(double seconds);

// Draws the progress line at most once per interval.
class ProgressMeter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Sink = std::function<void(const std::string&)>;
  ProgressMeter(uint64_t total_bytes, Sink sink, Clock clock = std::chrono::steady_clock::now,
                std::chrono::milliseconds interval = std::chrono::milliseconds(100));
  // concurrency: as in ProgressInput.
  void tick(const Counters& counters, int concurrency = 0, bool breaker_open = false);

 private:
  uint64_t total_bytes_;
  Sink sink_;
  Clock clock_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
};

}  // namespace memconn
