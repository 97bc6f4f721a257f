#include "engine/progress.h"

#include <doctest/doctest.h>

#include <vector>

using namespace memconn;
using namespace std::chrono_literals;

TEST_CASE("progress counts what the server acknowledged, not what was read or queued") {
  ProgressInput in;
  in.counters.items_read = 3000;  // read and queued, mostly not answered yet
  in.counters.sent = 800;
  in.counters.already_present = 100;
  in.counters.failed = 100;
  in.counters.retries = 3;
  in.elapsed_s = 10;
  CHECK(progress_line(in) == "900 sent  90/s  retries 3  failed 100");
}

TEST_CASE("progress of files of known size - acknowledged/estimated total, exact once all is read") {
  ProgressInput in;
  in.total_bytes = 10000;
  in.counters.bytes_read = 2500;  // a quarter read: 500 items so far, so about 2000 in all
  in.counters.items_read = 500;
  in.counters.sent = 450;
  in.counters.already_present = 50;
  in.elapsed_s = 10;
  CHECK(progress_line(in) == "[#####---------------] 25%  500/~2000 sent  50/s  ETA 00:30  retries 0  failed 0");

  // Everything read: the total is the items there were, and the bar follows the answers.
  in.counters.bytes_read = 10000;
  in.counters.items_read = 1800;
  in.counters.sent = 800;
  in.counters.duplicates = 50;  // settled without a request: counted in the bar, not as sent
  CHECK(progress_line(in) == "[##########----------] 50%  850/1800 sent  85/s  ETA 00:10  retries 0  failed 0");

  // Nothing read yet: no total to show, no ETA to guess.
  ProgressInput start;
  start.total_bytes = 10000;
  CHECK(progress_line(start) == "[--------------------] 0%  0 sent  0/s  ETA --:--  retries 0  failed 0");
}

TEST_CASE("the meter draws at once, then at most once per interval, with the clock's elapsed time") {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  std::vector<std::string> drawn;
  ProgressMeter meter(1000, [&](const std::string& line) { drawn.push_back(line); }, [&] { return now; }, 100ms);
  Counters c;
  c.sent = 10;
  meter.tick(c);
  REQUIRE(drawn.size() == 1);
  CHECK(drawn[0] == "[--------------------] 0%  10 sent  0/s  ETA --:--  retries 0  failed 0");
  now += 50ms;
  meter.tick(c);
  CHECK(drawn.size() == 1);  // too soon
  now += 1950ms;             // 2 s in: 20 acknowledged of 40 items, all 1000 bytes read
  c.sent = 20;
  c.items_read = 40;
  c.bytes_read = 1000;
  meter.tick(c, 4);
  REQUIRE(drawn.size() == 2);
  CHECK(drawn[1] == "[##########----------] 50%  20/40 sent  10/s  ETA 00:02  retries 0  failed 0  workers 4 (auto)");
}

TEST_CASE("eta and rate formatting") {
  CHECK(format_eta(3725) == "1:02:05");
  CHECK(format_eta(-1) == "--:--");
  CHECK(format_rate(12345) == "12.3k");
}
