#include "engine/batcher.h"

#include <doctest/doctest.h>

using namespace memconn;

namespace {
Item make(const std::string& id, size_t json_size = 9) {
  Item it;
  it.document_id = id;
  it.json.assign(json_size, 'x');
  return it;
}
}  // namespace

TEST_CASE("batches close at max items") {
  Batcher b(3, 1 << 20);
  std::vector<Batch> ready;
  for (int i = 0; i < 7; ++i) b.add(make(std::to_string(i)), ready);
  REQUIRE(ready.size() == 2);
  CHECK(ready[0].items.size() == 3);
  CHECK(ready[1].items[0].document_id == "3");
  auto rest = b.flush();
  REQUIRE(rest);
  CHECK(rest->items.size() == 1);
  CHECK_FALSE(b.flush());
}

TEST_CASE("batches close before exceeding max bytes - a huge item travels alone") {
  Batcher b(100, 50 + Batcher::kEnvelopeBytes);
  std::vector<Batch> ready;
  b.add(make("a", 19), ready);  // 20 bytes with separator
  b.add(make("b", 19), ready);  // 40
  CHECK(ready.empty());
  b.add(make("c", 19), ready);  // would be 60 > 50: a+b close
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].items.size() == 2);
  CHECK(ready[0].bytes == 40);
  b.add(make("huge", 500), ready);  // c closes, huge alone is already full
  REQUIRE(ready.size() == 3);
  CHECK(ready[1].items[0].document_id == "c");
  CHECK(ready[2].items.size() == 1);
  CHECK(ready[2].items[0].document_id == "huge");
}

TEST_CASE("a repeated document_id starts a new batch") {
  Batcher b(10, 1 << 20);
  std::vector<Batch> ready;
  b.add(make("a"), ready);
  b.add(make("b"), ready);
  b.add(make("a"), ready);
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].items.size() == 2);
  auto rest = b.flush();
  REQUIRE(rest);
  CHECK(rest->items[0].document_id == "a");
}

TEST_CASE("dedup window reports repeats and forgets beyond two generations") {
  DedupWindow w(4);  // tables of 4 slots, retired at 2 entries
  CHECK_FALSE(w.seen(1));
  CHECK(w.seen(1));
  CHECK_FALSE(w.seen(2));
  CHECK_FALSE(w.seen(3));  // rotates: previous={1,2}, current={3}
  CHECK(w.seen(1));
  CHECK(w.seen(3));
  CHECK_FALSE(w.seen(4));
  CHECK_FALSE(w.seen(5));  // rotates: previous={3,4}, current={5}
  CHECK_FALSE(w.seen(1));  // forgotten
  CHECK(w.seen(4));
}

TEST_CASE("dedup window remembers at least half its capacity exactly") {
  DedupWindow w(1 << 12);
  for (uint64_t i = 1; i <= 2048; ++i) REQUIRE_FALSE(w.seen(i * 0x9E3779B97F4A7C15ULL));
  for (uint64_t i = 1; i <= 2048; ++i) CHECK(w.seen(i * 0x9E3779B97F4A7C15ULL));
  CHECK_FALSE(w.seen(0xDEADBEEF));
  CHECK_FALSE(w.seen(0));  // 0 is remapped, never confused with an empty slot...
  CHECK(w.seen(0));
  CHECK(w.seen(1));  // ...so it shares 1's identity, a 2^-64 event we accept
}
