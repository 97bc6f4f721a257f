#include "core/document_order.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "core/item_parser.h"

using namespace memconn;

namespace {

Item part(const std::string& id, const std::string& text) {
  Item it;
  it.content = text;
  it.document_id = id;
  it.explicit_id = !id.empty();
  it.json = encode_memory_item(it);
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

TEST_CASE("document parts: the first part of a document replaces, later parts append") {
  DocumentParts parts;
  Item a = part("c1", "a"), b = part("c1", "b"), h = part("", "h");
  CHECK(parts.mark(a));
  CHECK_FALSE(parts.mark(b));
  CHECK(parts.mark(h));
  CHECK_FALSE(a.append);
  CHECK(b.append);
  CHECK(b.json.find("\"update_mode\":\"append\"") != std::string::npos);
  CHECK(a.json.find("update_mode") == std::string::npos);
}

TEST_CASE("fold_documents: parts sharing an explicit id become one item, in order - other items stay") {
  Item a = part("c1", "a"), x = part("", "x"), b = part("c1", "b"), c = part("c2", "c");
  auto bodies = fold_documents({&a, &x, &b, &c});
  REQUIRE(bodies.size() == 3);
  CHECK(bodies[0].find("\"content\":\"a\\nb\"") != std::string::npos);
  CHECK(bodies[1] == x.json);
  CHECK(bodies[2] == c.json);
}
