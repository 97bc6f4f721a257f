#include "engine/adaptive_limit.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>

#include "engine/run_control.h"

using namespace memconn;

namespace {

// Round trips against a model server: every permit is used, and each answer's latency and
// verdict depend on how many requests were in flight together.
struct Model {
  AdaptiveLimit limit;
  RunControl control;
  AdaptiveLimit::Clock::time_point now{};
  Model(int initial, int max) : limit(initial, max) {}
  void round(const std::function<std::pair<double, bool>(int in_flight)>& server) {
    int n = limit.limit();
    for (int i = 0; i < n; ++i) REQUIRE(limit.acquire(control));
    auto [latency, overloaded] = server(n);
    now += std::chrono::duration_cast<AdaptiveLimit::Clock::duration>(std::chrono::duration<double>(latency));
    for (int i = 0; i < n; ++i) limit.release(std::chrono::duration<double>(latency), overloaded, true, 1, now);
  }
};

}  // namespace

TEST_CASE("adaptive limit: without a capacity limit it grows to the maximum") {
  Model m(2, 64);
  for (int r = 0; r < 200; ++r) m.round([](int) { return std::pair{0.05, false}; });
  CHECK(m.limit.limit() == 64);
  CHECK(m.limit.peak() == 64);
}

TEST_CASE("adaptive limit: an LLM-bound server with 8 slots is kept busy, not flooded") {
  // Latency grows with the queue beyond 8 slots; beyond 8 queued the server answers 429.
  Model m(2, 128);
  int refused_rounds = 0;
  std::vector<int> late;
  for (int r = 0; r < 300; ++r) {
    m.round([&](int c) {
      bool over = c > 16;
      refused_rounds += over;
      return std::pair{0.1 * std::max(1.0, c / 8.0), over};
    });
    if (r >= 200) late.push_back(m.limit.limit());
  }
  // Settled at or above capacity (every slot used) and below the refusal bound.
  CHECK(*std::min_element(late.begin(), late.end()) >= 8);
  CHECK(*std::max_element(late.begin(), late.end()) <= 16);
  CHECK(refused_rounds <= 3);
}

TEST_CASE("adaptive limit: a fast server's jitter is not taken for queueing") {
  // Answers in 0.2 to 2 ms whatever the concurrency: the client's own scheduling noise, which
  // is far more than half the best latency but nothing a queue would add.
  Model m(4, 32);
  for (int r = 0; r < 300; ++r) m.round([&](int) { return std::pair{r % 3 == 0 ? 0.0002 : 0.002, false}; });
  CHECK(m.limit.limit() == 32);
}

TEST_CASE("adaptive limit: a server restart's instant refusals do not pin the limit to 1") {
  // An LLM-bound server with 8 slots; at round 100 it restarts: for a while every connection
  // is refused in microseconds (not answered), then it serves as before.
  Model m(2, 64);
  auto serve = [](int c) { return std::pair{0.2 * std::max(1.0, c / 8.0), false}; };
  for (int r = 0; r < 100; ++r) m.round(serve);
  int before = m.limit.limit();
  REQUIRE(before >= 8);
  for (int r = 0; r < 50; ++r) {
    int n = m.limit.limit();
    for (int i = 0; i < n; ++i) REQUIRE(m.limit.acquire(m.control));
    m.now += std::chrono::microseconds(100);
    for (int i = 0; i < n; ++i) m.limit.release(std::chrono::microseconds(100), false, false, 1, m.now);
  }
  for (int r = 0; r < 100; ++r) m.round(serve);
  CHECK(m.limit.limit() >= 8);
}

TEST_CASE("adaptive limit: the best latency is that of the recent answers, not of one lucky answer long ago") {
  Model m(8, 64);
  // One burst of very fast answers, then a long steady stretch at a higher, flat latency:
  // the steady answers are the server's normal speed once the window has moved past the burst.
  for (int r = 0; r < 5; ++r) m.round([](int) { return std::pair{0.001, false}; });
  for (int r = 0; r < 600; ++r) m.round([](int) { return std::pair{0.3, false}; });
  CHECK(m.limit.limit() > 8);
}

TEST_CASE("adaptive limit: latency counts per item, so larger batches are not taken for queueing") {
  AdaptiveLimit limit(4, 32);
  RunControl control;
  AdaptiveLimit::Clock::time_point now{};
  for (int r = 0; r < 200; ++r) {
    int n = limit.limit();
    for (int i = 0; i < n; ++i) REQUIRE(limit.acquire(control));
    size_t items = r % 2 ? 50 : 5;  // 50 items take 10 times as long as 5: the same speed
    double latency = 0.02 * static_cast<double>(items);
    now += std::chrono::duration_cast<AdaptiveLimit::Clock::duration>(std::chrono::duration<double>(latency));
    for (int i = 0; i < n; ++i) limit.release(std::chrono::duration<double>(latency), false, true, items, now);
  }
  CHECK(limit.limit() == 32);
}

TEST_CASE("adaptive limit: 429s halve the limit once per round trip") {
  Model m(32, 64);
  m.round([](int) { return std::pair{0.1, false}; });
  int before = m.limit.limit();
  m.round([](int) { return std::pair{0.1, true}; });  // a whole round of 429s counts once
  CHECK(m.limit.limit() == before / 2);
}

TEST_CASE("adaptive limit: an idle limit does not grow (the reader is the bottleneck)") {
  Model m(4, 64);
  for (int r = 0; r < 50; ++r) {
    REQUIRE(m.limit.acquire(m.control));  // one request at a time
    m.now += std::chrono::milliseconds(50);
    m.limit.release(std::chrono::milliseconds(50), false, true, 1, m.now);
  }
  CHECK(m.limit.limit() == 4);
}

TEST_CASE("adaptive limit: acquire gives up when the run stops") {
  AdaptiveLimit limit(1, 1);
  RunControl control;
  REQUIRE(limit.acquire(control));
  control.stop(StopReason::Interrupted);
  CHECK_FALSE(limit.acquire(control));
}
