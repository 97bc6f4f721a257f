#include "targets/hindsight/memory_item.h"

#include <doctest/doctest.h>

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

TEST_CASE("fold_documents: parts sharing an explicit id become one item, in order - other items stay") {
  Item a = part("c1", "a"), x = part("", "x"), b = part("c1", "b"), c = part("c2", "c");
  auto bodies = fold_documents({&a, &x, &b, &c});
  REQUIRE(bodies.size() == 3);
  CHECK(bodies[0].find("\"content\":\"a\\nb\"") != std::string::npos);
  CHECK(bodies[1] == x.json);
  CHECK(bodies[2] == c.json);
}
