#include "ingest/document_parts.h"

#include <doctest/doctest.h>

#include "targets/hindsight/memory_item.h"

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

