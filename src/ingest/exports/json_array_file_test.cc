#include "ingest/exports/json_array_file.h"

#include <doctest/doctest.h>

#include "ingest/exports/export_fixtures_test.h"
#include "ingest/item_parser.h"

using namespace memconn;
using namespace memconn::test_exports;

TEST_CASE("json array file: a pretty-printed .json array is read element by element like JSONL") {
  TempDir dir("plain-json");
  auto path = dir.write("records.json", R"([
  {
    "content": "first memory",
    "document_id": "d1"
  },
  {"content": "second\nmemory", "tags": ["t"]}
])");
  auto f = JsonArrayFile::open(path);
  REQUIRE(f.ok());
  ItemParser parser(Format::Jsonl, ParseOptions{{}, "", path, "", nullptr});
  std::vector<std::string> contents;
  JsonElement e;
  for (;;) {
    auto more = (*f)->next(e);
    REQUIRE(more.ok());
    if (!*more) break;
    Origin origin{0, e.index + 1, e.offset, e.end_offset, e.index};
    Item it;
    REQUIRE(parser.parse(e.bytes, origin, it).status == ParseStatus::Item);
    contents.push_back(it.content);
    CHECK(it.origin.line == e.index + 1);
  }
  CHECK(contents == std::vector<std::string>{"first memory", "second\nmemory"});
  CHECK((*f)->size() > 0);
  CHECK((*f)->offset() == (*f)->size());
}

TEST_CASE("json array file: with --map and --template, and resuming after a committed element") {
  TempDir dir("plain-json-map");
  auto path = dir.write("chat.json",
                        R"([{"conversation_id":"c1","message":{"author":{"role":"user"},"content":{"parts":["hi"]}}},
 {"conversation_id":"c1","message":{"author":{"role":"assistant"},"content":{"parts":["hello"]}}}])");
  auto map = parse_field_map({"content=message.content.parts.0", "document_id=conversation_id"}, "{message.author.role}: {content}");
  REQUIRE(map.ok());
  ItemParser parser(Format::Jsonl, ParseOptions{{}, "", path, "", std::make_shared<FieldMap>(*map)});
  auto f = JsonArrayFile::open(path);
  REQUIRE(f.ok());
  JsonElement first;
  REQUIRE(*(*f)->next(first));
  Item it;
  REQUIRE(parser.parse(first.bytes, Origin{}, it).status == ParseStatus::Item);
  CHECK(it.content == "user: hi");
  CHECK(it.document_id == "c1");
  auto resumed = JsonArrayFile::open(path, first.end_offset, first.index + 1);
  REQUIRE(resumed.ok());
  JsonElement second;
  REQUIRE(*(*resumed)->next(second));
  CHECK(second.index == 1);
  REQUIRE(parser.parse(second.bytes, Origin{}, it).status == ParseStatus::Item);
  CHECK(it.content == "assistant: hello");
  CHECK_FALSE(*(*resumed)->next(second));
}

TEST_CASE("json array file: a file that is not an array, or is cut, is one line naming it") {
  TempDir dir("plain-json-bad");
  auto obj = dir.write("obj.json", R"({"content":"x"})");
  auto f = JsonArrayFile::open(obj);
  REQUIRE(f.ok());
  JsonElement e;
  CHECK((*f)->next(e).error().message == obj + ": not a JSON array: the top level starts with '{' at offset 0");
  auto cut = dir.write("cut.json", R"([{"content":"x"},{"content":)");
  auto c = JsonArrayFile::open(cut);
  REQUIRE(*(*c)->next(e));
  CHECK((*c)->next(e).error().message == cut + ": truncated at offset 28: element 1 (from offset 17) is not complete");
  CHECK(JsonArrayFile::open("/nonexistent.json").error().message == "/nonexistent.json: No such file or directory");
  CHECK(JsonArrayFile::open(dir.path.string()).error().message == dir.path.string() + ": Is a directory");
}
