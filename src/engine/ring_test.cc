#include "engine/ring.h"

#include <doctest/doctest.h>

#include <deque>
#include <random>
#include <string>

using namespace memconn;

TEST_CASE("ring: behaves as a deque under random pushes, pops and inserts, across growth and wrap-around") {
  Ring<std::string> ring;
  std::deque<std::string> model;
  std::mt19937 rng(7);
  for (int step = 0; step < 20000; ++step) {
    int op = static_cast<int>(rng() % 10);
    if (op < 5 || model.empty()) {
      ring.push_back(std::to_string(step));
      model.push_back(std::to_string(step));
    } else if (op < 9) {
      REQUIRE(ring.front() == model.front());
      ring.pop_front();
      model.pop_front();
    } else {
      size_t at = rng() % (model.size() + 1);
      ring.insert(at, "i" + std::to_string(step));
      model.insert(model.begin() + static_cast<long>(at), "i" + std::to_string(step));
    }
    REQUIRE(ring.size() == model.size());
    if (!model.empty()) REQUIRE(ring.back() == model.back());
  }
  for (size_t i = 0; i < model.size(); ++i) REQUIRE(ring[i] == model[i]);
}
