#include "ingest/field_map.h"

#include <doctest/doctest.h>

#include "base/exit_codes.h"
#include "ingest/item_parser.h"

using namespace memconn;

TEST_CASE("--map entries: known fields, dotted paths, mistakes are usage errors") {
  auto m = parse_field_map({"content=message.body", "document_id=conversation_id"}, "");
  REQUIRE(m.ok());
  REQUIRE((*m)[MemoryField::Content].has_value());
  CHECK((*m)[MemoryField::Content]->segments == std::vector<std::string>{"message", "body"});
  CHECK_FALSE((*m)[MemoryField::Tags].has_value());
  for (auto bad : {std::vector<std::string>{"body=text"}, {"content"}, {"content=a..b"}, {"content=a", "content=b"}}) {
    auto e = parse_field_map(bad, "");
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().exit_code == exit_code::kUsage);
  }
  CHECK_FALSE(parse_field_map({}, "{role").ok());
  CHECK(parse_field_map({}, "{a.b}: {content}").ok());
}

TEST_CASE("a mapped record: nested paths, array parts, Unix-second timestamps, a template over several fields") {
  auto m = parse_field_map({"content=msg.parts.1", "document_id=conv", "timestamp=t", "tags=labels"}, "{who.role}: {content}");
  REQUIRE(m.ok());
  ParseOptions o;
  o.map = std::make_shared<const FieldMap>(std::move(*m));
  ItemParser p(Format::Jsonl, o);
  Item it;
  auto r = p.parse(R"({"conv":9,"msg":{"parts":["a","hello"]},"who":{"role":"user"},"t":1700000000,"labels":"x"})", Origin{}, it);
  REQUIRE_MESSAGE(r.status == ParseStatus::Item, r.error);
  CHECK(it.content == "user: hello");
  CHECK(it.document_id == "9");
  CHECK(it.timestamp == "2023-11-14T22:13:20Z");
  CHECK(it.tags == std::vector<std::string>{"x"});
  r = p.parse(R"({"conv":9,"msg":{"parts":["a","hello"]},"t":null,"labels":null})", Origin{}, it);
  CHECK(r.status == ParseStatus::Invalid);
  CHECK(r.error == "missing field \"who.role\" (--template {who.role}: {content})");
  r = p.parse(R"({"msg":{"parts":["a","hello"]},"who":{"role":"user"},"t":1,"labels":[]})", Origin{}, it);
  CHECK(r.error == "missing field \"conv\" (--map document_id=conv)");
}

TEST_CASE("a mapped record whose content is blank is refused like any other") {
  auto m = parse_field_map({"content=msg.text"}, "");
  REQUIRE(m.ok());
  ParseOptions o;
  o.map = std::make_shared<const FieldMap>(std::move(*m));
  ItemParser p(Format::Jsonl, o);
  Item it;
  auto r = p.parse(R"({"msg":{"text":"   "}})", Origin{}, it);
  CHECK(r.status == ParseStatus::Invalid);
  CHECK(r.error == "\"content\" is empty");
  CHECK(it.raw_line == R"({"msg":{"text":"   "}})");
}
