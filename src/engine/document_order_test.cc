#include "engine/document_order.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>


using namespace memconn;

namespace {

Item part(const std::string& id, const std::string& text) {
  Item it;
  it.content = text;
  it.document_id = id;
  it.explicit_id = !id.empty();
  return it;
}

}  // namespace

TEST_CASE("document order: a later part waits until the earlier part of its document settled") {
  DocumentOrder order;
  RunControl control;
  Batch first, second;
  first.items.push_back(part("c1", "a"));
  second.items.push_back(part("c1", "b"));
  second.items.push_back(part("c2", "x"));
  order.enlist(first);
  order.enlist(second);
  std::vector<const Item*> f{&first.items[0]}, s{&second.items[0], &second.items[1]};
  std::atomic<bool> sent_second{false};
  std::thread t([&] {
    REQUIRE(order.wait_turn(s, control));
    sent_second = true;
    order.settled(s);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK_FALSE(sent_second.load());  // c1's first part is still out
  REQUIRE(order.wait_turn(f, control));
  order.settled(f);
  t.join();
  CHECK(sent_second.load());
  CHECK(order.open() == 0);  // nothing is remembered once every part settled
}

TEST_CASE("document order: a stopping run releases a waiting part") {
  DocumentOrder order;
  RunControl control;
  Batch first, second;
  first.items.push_back(part("c1", "a"));
  second.items.push_back(part("c1", "b"));
  order.enlist(first);
  order.enlist(second);
  control.stop(StopReason::Interrupted, "test");
  std::vector<const Item*> s{&second.items[0]};
  CHECK_FALSE(order.wait_turn(s, control));
}
