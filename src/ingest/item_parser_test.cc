#include "ingest/item_parser.h"

#include <doctest/doctest.h>

#include "base/digest.h"
#include "ingest/field_map.h"
#include "targets/registry.h"

using namespace memconn;

namespace {
Origin at(uint64_t line) { return Origin{0, line, 0, line}; }
}  // namespace

TEST_CASE("a plain line becomes an item with a content-derived id and origin metadata") {
  NullDiagnostics quiet;
  TargetEnv env;
  env.console = &quiet;
  auto hindsight = make_target(TargetSpec{}, env);
  ItemParser p(Format::Lines, {{"import"}, "chats", "notes.txt", "", nullptr, hindsight.get()});
  Item it;
  auto r = p.parse("Alice deployed v2", at(7), it);
  REQUIRE(r.status == ParseStatus::Item);
  CHECK(it.document_id == sha256_hex(std::string("Alice deployed v2") + '\0' + "context=chats" + '\0' + "tag=import"));
  CHECK(it.json ==
        "{\"content\":\"Alice deployed v2\",\"context\":\"chats\",\"metadata\":{\"source\":\"notes.txt\",\"line\":\"7\"},"
        "\"document_id\":\"" + it.document_id + "\",\"tags\":[\"import\"]}");
}

TEST_CASE("blank and whitespace-only lines are skipped") {
  ItemParser p(Format::Lines, {});
  Item it;
  CHECK(p.parse("", at(1), it).status == ParseStatus::Blank);
  CHECK(p.parse(" \t ", at(2), it).status == ParseStatus::Blank);
}

TEST_CASE("identical content gets the identical fingerprint and id") {
  ItemParser p(Format::Lines, {});
  Item a, b;
  p.parse("same", at(1), a);
  p.parse("same", at(2), b);
  CHECK(a.fingerprint == b.fingerprint);
  CHECK(a.document_id == b.document_id);
}

TEST_CASE("a content-hash id covers context and tags (in any order) - without them it is the hash of the text alone") {
  auto id = [](std::vector<std::string> tags, std::string context) {
    ItemParser p(Format::Lines, {std::move(tags), std::move(context), "x", "", nullptr});
    Item it;
    p.parse("same text", at(1), it);
    return it.document_id;
  };
  CHECK(id({}, "") == sha256_hex("same text"));  // ids from before context and tags counted
  CHECK(id({"a"}, "") != id({"b"}, ""));
  CHECK(id({"a", "b"}, "") == id({"b", "a"}, ""));
  CHECK(id({}, "ctx") != id({}, ""));
  CHECK(id({}, "ctx") != id({"ctx"}, ""));
}

TEST_CASE("JSONL items carry their own fields - metadata is merged - tags are unioned") {
  ItemParser p(Format::Jsonl, {{"import"}, "default ctx", "chat.jsonl", "", nullptr});
  Item it;
  auto r = p.parse(R"({"text":"hi","id":42,"tags":["a","import"],"metadata":{"channel":"eng","n":3,"x":null},"timestamp":"2024-01-15T10:00:00Z","role":"user"})",
                   at(3), it);
  REQUIRE(r.status == ParseStatus::Item);
  CHECK(it.content == "hi");
  CHECK(it.document_id == "42");
  CHECK(it.context == "default ctx");
  CHECK(it.timestamp == "2024-01-15T10:00:00Z");
  CHECK(it.tags == std::vector<std::string>{"a", "import"});
  REQUIRE(it.metadata.size() == 4);
  CHECK(it.metadata[0] == std::pair<std::string, std::string>{"channel", "eng"});
  CHECK(it.metadata[1] == std::pair<std::string, std::string>{"n", "3"});
  CHECK(it.metadata[2].first == "source");
}

TEST_CASE("JSONL errors say what is wrong") {
  ItemParser p(Format::Jsonl, {});
  Item it;
  auto bad = p.parse("{not json", at(1), it);
  CHECK(bad.status == ParseStatus::Invalid);
  CHECK(bad.error.find("invalid JSON") == 0);
  CHECK(it.raw_line == "{not json");
  CHECK(p.parse(R"({"context":"x"})", at(2), it).error == "missing \"content\" (or \"text\") field");
  CHECK(p.parse(R"({"content":"  "})", at(3), it).error == "\"content\" is empty");
  CHECK(p.parse(R"({"content":"a","tags":"x"})", at(4), it).error == "field \"tags\" must be an array of strings");
  CHECK(p.parse(R"([1,2])", at(5), it).error == "expected a JSON object");
}

TEST_CASE("invalid UTF-8 is repaired before hashing and flagged") {
  ItemParser p(Format::Lines, {});
  Item it;
  auto r = p.parse("caf\xE9", at(1), it);
  CHECK(r.repaired_utf8);
  CHECK(it.content == "caf\xEF\xBF\xBD");
  CHECK(it.document_id == sha256_hex("caf\xEF\xBF\xBD"));
}

TEST_CASE("format follows the extension") {
  CHECK(format_for_path("a/b.jsonl") == Format::Jsonl);
  CHECK(format_for_path("x.ndjson") == Format::Jsonl);
  CHECK(format_for_path("x.txt") == Format::Lines);
}

TEST_CASE("a mapped timestamp in seconds past what the clock holds is an error, not an overflow") {
  // Found by fuzzing (tests/fuzz/corpus/item_parser/crash-seconds-past-2262): 170000000035
  // seconds is the year 7357, past the nanosecond clock's 2262.
  auto map = parse_field_map({"timestamp=create_time"}, "");
  REQUIRE(map.ok());
  ItemParser p(Format::Jsonl, {{}, "", "x.jsonl", "", std::make_shared<FieldMap>(*map)});
  Item it;
  auto r = p.parse(R"({"content":"c","create_time":170000000035})", at(1), it);
  CHECK(r.status == ParseStatus::Invalid);
  CHECK(r.error == "field \"create_time\" is not a time: 170000000035 seconds since 1970 is past the year 2262");
  CHECK(p.parse(R"({"content":"c","create_time":-1e300})", at(2), it).status == ParseStatus::Invalid);
  REQUIRE(p.parse(R"({"content":"c","create_time":1700000000.5})", at(3), it).status == ParseStatus::Item);
  CHECK(it.timestamp == "2023-11-14T22:13:20.500Z");
}
