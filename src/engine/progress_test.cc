#include "engine/progress.h"

#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("progress shows items, rate, percent, ETA, retries and failures") {
  ProgressInput in;
  in.counters.sent = 900;
  in.counters.failed = 100;
  in.counters.retries = 3;
  in.counters.bytes_read = 500;
  in.total_bytes = 1000;
  in.elapsed_s = 10;
  CHECK(progress_line(in) == "[##########----------] 50%  1000 items  100/s  ETA 00:10  retries 3  failed 100");
  in.total_bytes = 0;
  CHECK(progress_line(in) == "1000 items  100/s  retries 3  failed 100");
}

TEST_CASE("eta and rate formatting") {
  CHECK(format_eta(3725) == "1:02:05");
  CHECK(format_eta(-1) == "--:--");
  CHECK(format_rate(12345) == "12.3k");
}
