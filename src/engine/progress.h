// The progress line's text, computed from counters: pure so it can be tested without a TTY.
#pragma once
#include <cstdint>
#include <string>

#include "engine/ledger.h"

namespace memconn {

struct ProgressInput {
  Counters counters;
  uint64_t total_bytes = 0;  // 0 when unknown (stdin)
  double elapsed_s = 0;
  bool breaker_open = false;
  int concurrency = 0;  // --workers auto: requests allowed in flight now (0 = fixed, not shown)
};

std::string progress_line(const ProgressInput& in);
std::string format_rate(double per_second);
std::string format_eta(double seconds);

}  // namespace memconn
