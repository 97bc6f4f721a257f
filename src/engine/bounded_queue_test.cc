#include "engine/bounded_queue.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

using namespace memconn;

TEST_CASE("bounded queue: every value arrives once, in order per consumer, with a producer often blocked") {
  BoundedQueue<int> q(4);
  constexpr int kValues = 20000;
  std::vector<std::vector<int>> got(3);
  std::vector<std::thread> consumers;
  for (int c = 0; c < 3; ++c)
    consumers.emplace_back([&, c] {
      while (auto v = q.pop()) got[c].push_back(*v);
    });
  for (int i = 0; i < kValues; ++i) REQUIRE(q.push(i));
  q.close();
  for (auto& t : consumers) t.join();
  std::vector<int> all;
  for (auto& g : got) {
    for (size_t i = 1; i < g.size(); ++i) CHECK(g[i - 1] < g[i]);  // FIFO
    all.insert(all.end(), g.begin(), g.end());
  }
  std::sort(all.begin(), all.end());
  REQUIRE(all.size() == kValues);
  for (int i = 0; i < kValues; ++i) REQUIRE(all[i] == i);
}

TEST_CASE("bounded queue: a producer blocked on a full queue resumes once it is half empty") {
  BoundedQueue<int> q(4);
  for (int i = 0; i < 4; ++i) REQUIRE(q.push(i));
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    q.push(4);
    pushed = true;
  });
  CHECK(q.pop() == 0);  // 3 left: above half, the producer stays asleep (it may not have blocked yet)
  CHECK(q.pop() == 1);  // 2 left: half, it is woken
  producer.join();
  CHECK(pushed);
  CHECK(q.pop() == 2);
  CHECK(q.pop() == 3);
  CHECK(q.pop() == 4);
}

TEST_CASE("bounded queue: abandon wakes a blocked producer and drops what is queued") {
  BoundedQueue<int> q(1);
  REQUIRE(q.push(1));
  std::atomic<int> result{-1};
  std::thread producer([&] { result = q.push(2) ? 1 : 0; });
  q.abandon();
  producer.join();
  CHECK(result == 0);
  CHECK_FALSE(q.pop().has_value());
}
