#include "engine/item_pool.h"

#include <doctest/doctest.h>

using namespace memconn;

namespace {
Batch batch_of(size_t n, size_t text_bytes) {
  Batch b;
  for (size_t i = 0; i < n; ++i) {
    Item it;
    it.content.assign(text_bytes, 'c');
    it.json.assign(text_bytes + 40, 'j');
    it.document_id.assign(64, 'd');
    it.explicit_id = true;
    it.fingerprint = 7;
    it.metadata.emplace_back("source", "notes.txt");
    b.items.push_back(std::move(it));
  }
  return b;
}
}  // namespace

TEST_CASE("item pool: a given-back item comes back cleared, with its buffers") {
  ItemPool pool(100);
  pool.give_back(batch_of(3, 200));
  pool.reclaim();
  Item it;
  pool.take(it);
  CHECK(it.content.empty());
  CHECK(it.json.empty());
  CHECK(it.document_id.empty());
  CHECK(it.metadata.empty());
  CHECK_FALSE(it.explicit_id);
  CHECK(it.fingerprint == 0);
  CHECK(it.content.capacity() >= 200);
  CHECK(it.json.capacity() >= 240);
  // Three spares, then none: the item is left as it is.
  Item a, b, c;
  pool.take(a);
  pool.take(b);
  c.content = "kept";
  pool.take(c);
  CHECK(a.json.capacity() >= 240);
  CHECK(b.json.capacity() >= 240);
  CHECK(c.content == "kept");
  // The emptied vector is handed out for the next batch.
  CHECK(pool.take_vector().capacity() >= 3);
  CHECK(pool.take_vector().capacity() == 0);
}

TEST_CASE("item pool: keeps no more than its bound, and none with a bound of 0") {
  ItemPool pool(4);
  pool.give_back(batch_of(3, 10));
  pool.give_back(batch_of(3, 10));  // would make 6: freed instead
  pool.reclaim();
  int taken = 0;
  for (int i = 0; i < 10; ++i) {
    Item it;
    pool.take(it);
    if (it.json.capacity() >= 50) ++taken;
  }
  CHECK(taken == 3);

  ItemPool none(0);
  none.give_back(batch_of(2, 10));
  none.reclaim();
  Item it;
  none.take(it);
  CHECK(it.json.capacity() < 50);
  CHECK(none.take_vector().capacity() == 0);
}

TEST_CASE("item pool: a buffer grown by a huge line is released, not kept") {
  ItemPool pool(10);
  pool.give_back(batch_of(1, 1 << 20));
  pool.reclaim();
  Item it;
  pool.take(it);
  CHECK(it.content.capacity() < 1024);
  CHECK(it.json.capacity() < 1024);
  CHECK(it.document_id.capacity() >= 64);
}
