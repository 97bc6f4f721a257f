#include "engine/read_book.h"

#include <doctest/doctest.h>

using namespace memconn;

namespace {
Item item_at(uint32_t source, uint64_t line, uint64_t start, uint64_t end, uint64_t seq) {
  Item it;
  it.origin = Origin{source, line, start, end, seq};
  return it;
}
}  // namespace

TEST_CASE("read book: the position it hands over never covers an item not yet registered (kill -9 window)") {
  MemoryDeadLetters dl;
  Ledger ledger({"f"}, &dl);
  ReadBook book(ledger, 0, 0, 0, false, /*every=*/2);
  // Lines of 10 bytes; the first two are read, registered, and acknowledged.
  std::vector<Item> items;
  for (uint64_t n = 1; n <= 2; ++n) {
    items.push_back(item_at(0, n, (n - 1) * 10, n * 10, n - 1));
    book.read(n * 10, n);
    book.add(items.back().origin, "");
  }
  // Line 3 is read: the due publication happens first, for lines 1 and 2 only.
  book.read(30, 3);
  const Item* acked[] = {&items[0], &items[1]};
  ledger.delivered({acked[0], acked[1]}, false, "");
  // Line 3's item is not registered yet: a checkpoint now must stop before it.
  CHECK(ledger.commit_point(0).offset == 20);
  CHECK(ledger.commit_point(0).line == 2);
  Item third = item_at(0, 3, 20, 30, 2);
  book.add(third.origin, "");
  book.publish();
  CHECK(ledger.commit_point(0).offset == 20);  // pending now, so still not past it
  ledger.delivered({&third}, false, "");
  CHECK(ledger.commit_point(0).offset == 30);
}

TEST_CASE("read book: a pipe's bodies go along, so an early stop can dead-letter them") {
  MemoryDeadLetters dl;
  Ledger ledger({"stdin"}, &dl);
  ReadBook book(ledger, 0, 0, 0, true);
  book.read(4, 1);
  book.add(Origin{0, 1, 0, 4, 0}, R"({"content":"one"})");
  book.publish();
  auto n = ledger.dead_letter_unsettled(0, "stopped");
  REQUIRE(n);
  CHECK(*n == 1);
  REQUIRE(dl.letters().size() == 1);
  CHECK(dl.letters()[0].item_json == R"({"content":"one"})");
  CHECK(dl.letters()[0].line == 1);
}
