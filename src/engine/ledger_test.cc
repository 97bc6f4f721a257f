#include "engine/ledger.h"

#include <doctest/doctest.h>

#include <filesystem>

using namespace memconn;

namespace {
Item item_at(uint64_t seq, uint64_t line, uint64_t start, uint64_t end) {
  Item it;
  it.origin = Origin{0, line, start, end, seq};
  it.document_id = "id" + std::to_string(seq);
  it.json = "{}";
  return it;
}
}  // namespace

TEST_CASE("the commit point stops before the oldest unacknowledged item") {
  MemoryDeadLetters w;
  Ledger l({"f"}, &w);
  l.start_source(0, 0, 0);
  Item a = item_at(0, 1, 0, 10), b = item_at(1, 2, 10, 20), c = item_at(2, 4, 21, 30);
  for (auto* it : {&a, &b, &c}) {
    l.item_pending(*it);
    l.line_read(0, it->origin.end_offset, it->origin.line, 10);
  }
  l.source_done(0);
  CHECK(l.commit_point(0).offset == 0);
  l.delivered({&b}, false, "");  // out of order: b before a
  CHECK(l.commit_point(0).offset == 0);
  l.delivered({&a}, false, "op1");
  CHECK(l.commit_point(0).offset == 21);
  CHECK(l.commit_point(0).line == 3);
  CHECK_FALSE(l.commit_point(0).complete);
  REQUIRE(l.dead(c, 422, "bad", 1));
  auto cp = l.commit_point(0);
  CHECK(cp.offset == 30);
  CHECK(cp.line == 4);
  CHECK(cp.complete);
  auto counters = l.counters();
  CHECK(counters.sent == 2);
  CHECK(counters.failed == 1);
  CHECK(l.operation_ids() == std::vector<std::string>{"op1"});
  auto letters = w.letters();
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].http_status == 422);
  CHECK(letters[0].line == 4);
}
