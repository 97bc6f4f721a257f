#include "ingest/exports/json_array.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace memconn;

namespace {

struct Split {
  std::vector<std::string> elements;
  std::vector<JsonElement> positions;
  std::string error;  // empty when the array ended cleanly
};

Split split(std::string_view data, size_t chunk = SIZE_MAX, SplitterOptions o = {}) {
  MemorySource src(data, "in.json", chunk);
  o.read_chunk = chunk == SIZE_MAX ? o.read_chunk : chunk;
  JsonArraySplitter s(src, o);
  Split out;
  JsonElement e;
  for (;;) {
    auto r = s.next(e);
    if (!r) {
      out.error = r.error().message;
      // A failed splitter stays failed.
      auto again = s.next(e);
      CHECK_FALSE(again.ok());
      return out;
    }
    if (!*r) return out;
    out.elements.emplace_back(e.bytes);
    out.positions.push_back(e);
  }
}

}  // namespace

TEST_CASE("json array: elements of every kind, at every read size, with their offsets") {
  std::string data =
      " \n[ {\"a\":\"x]}\\\"{[\",\"b\":[1,{\"c\":null}]} ,\t\"str,]\\\\\" , -12.5e3,true ,null,[[]],{} ]\n ";
  std::vector<std::string> want = {R"({"a":"x]}\"{[","b":[1,{"c":null}]})", R"("str,]\\")", "-12.5e3", "true",
                                   "null", "[[]]", "{}"};
  for (size_t chunk : {size_t(1), size_t(2), size_t(3), size_t(7), size_t(64), SIZE_MAX}) {
    CAPTURE(chunk);
    auto s = split(data, chunk);
    CHECK(s.error == "");
    CHECK(s.elements == want);
    for (size_t i = 0; i < s.positions.size(); ++i) {
      CHECK(s.positions[i].index == i);
      CHECK(data.substr(s.positions[i].offset, s.positions[i].end_offset - s.positions[i].offset) == want[i]);
    }
  }
}

TEST_CASE("json array: an empty array, a byte order mark, and whitespace only around it") {
  CHECK(split("[]").elements.empty());
  CHECK(split("[]").error == "");
  CHECK(split(" [ \r\n ] \n").error == "");
  auto bom = split("\xEF\xBB\xBF[1,2]", 1);
  CHECK(bom.error == "");
  CHECK(bom.elements == std::vector<std::string>{"1", "2"});
  CHECK(bom.positions[0].offset == 4);
}

TEST_CASE("json array: a top level that is not an array is an error naming it") {
  CHECK(split("{\"a\":1}").error == "in.json: not a JSON array: the top level starts with '{' at offset 0");
  CHECK(split("  hello").error == "in.json: not a JSON array: the top level starts with 'h' at offset 2");
  CHECK(split("").error == "in.json: empty input at offset 0 (expected a JSON array)");
  CHECK(split(" \n").error == "in.json: empty input at offset 2 (expected a JSON array)");
}

TEST_CASE("json array: a truncated array names the offset and the element it cut") {
  std::string data = R"([{"a":1},{"b":"never ends)";
  for (size_t chunk : {size_t(1), size_t(5), SIZE_MAX}) {
    auto s = split(data, chunk);
    CHECK(s.elements == std::vector<std::string>{R"({"a":1})"});
    CHECK(s.error == "in.json: truncated at offset 25: element 1 (from offset 9) is not complete");
  }
  CHECK(split("[1,2").error == "in.json: truncated at offset 4: element 1 (from offset 3) is not complete");
  CHECK(split("[1,2,").error == "in.json: truncated at offset 5: the array is not closed");
  CHECK(split("[{}").error == "in.json: truncated at offset 3: the array is not closed after element 0");
  CHECK(split("[").error == "in.json: truncated at offset 1: the array is not closed");
  CHECK(split(R"(["a\)").error == "in.json: truncated at offset 4: element 0 (from offset 1) is not complete");
}

TEST_CASE("json array: broken structure is an error at its offset") {
  CHECK(split("[1,]").error == "in.json: a ',' before ']' at offset 3 (trailing comma)");
  CHECK(split("[1 2]").error == "in.json: expected ',' or ']' after element 0 at offset 3, found '2'");
  CHECK(split("[{]}]").error == "in.json: mismatched ']' at offset 2 in element 0 (from offset 1)");
  CHECK(split("[,1]").error == "in.json: unexpected ',' at offset 1 where element 0 should start");
  CHECK(split("[1] x").error == "in.json: unexpected 'x' at offset 4 after the end of the array");
  CHECK(split(std::string("[1,\x01]", 5)).error == "in.json: unexpected byte 0x01 at offset 3 where element 1 should start");
}

TEST_CASE("json array: a single value is one element when asked, an error otherwise") {
  SplitterOptions o;
  o.single_value = true;
  auto obj = split(" {\"mapping\":{}} ", SIZE_MAX, o);
  CHECK(obj.error == "");
  CHECK(obj.elements == std::vector<std::string>{"{\"mapping\":{}}"});
  auto num = split("42", 1, o);
  CHECK(num.error == "");
  CHECK(num.elements == std::vector<std::string>{"42"});
  CHECK(split("{} {}", SIZE_MAX, o).error == "in.json: unexpected '{' at offset 3 after the end of the value");
  // An array is still split when single values are allowed.
  CHECK(split("[1,2]", SIZE_MAX, o).elements.size() == 2);
}

TEST_CASE("json array: resuming after an element reads on from the next one") {
  std::string data = R"([{"n":0},{"n":1},{"n":2}])";
  auto all = split(data);
  REQUIRE(all.positions.size() == 3);
  uint64_t at = all.positions[0].end_offset;
  SplitterOptions o;
  o.resume = true;
  o.start_offset = at;
  o.first_index = 1;
  auto rest = split(std::string_view(data).substr(at), 2, o);
  CHECK(rest.error == "");
  CHECK(rest.elements == std::vector<std::string>{R"({"n":1})", R"({"n":2})"});
  CHECK(rest.positions[0].index == 1);
  CHECK(rest.positions[0].offset == all.positions[1].offset);
  CHECK(rest.positions[1].end_offset == all.positions[2].end_offset);
  // Resuming after the last element finds the closing bracket and nothing more.
  o.start_offset = all.positions[2].end_offset;
  CHECK(split(std::string_view(data).substr(o.start_offset), SIZE_MAX, o).elements.empty());
}

TEST_CASE("json array: limits on element size and nesting") {
  SplitterOptions o;
  o.max_element_bytes = 8;
  auto big = split(R"([1,"0123456789abcdef",2])", 4, o);
  CHECK(big.elements == std::vector<std::string>{"1"});
  CHECK(big.error == "in.json: element 1 (from offset 3) is larger than 8 bytes");
  o = {};
  o.max_depth = 3;
  CHECK(split("[[[[1]]]]", SIZE_MAX, o).error == "");  // the element's own depth is 3
  CHECK(split("[[[[[1]]]]]", SIZE_MAX, o).error == "in.json: nesting deeper than 3 levels at offset 4 in element 0");
  o = {};
  o.max_element_bytes = 4;
  CHECK(split("[1234,12345]", SIZE_MAX, o).error == "in.json: element 1 (from offset 6) is larger than 4 bytes");
}

TEST_CASE("json array: elements are followed by padding simdjson may read") {
  MemorySource src(R"([{"a":"b"}])", "in.json");
  JsonArraySplitter s(src);
  JsonElement e;
  REQUIRE(*s.next(e));
  // Reading the padding is allowed (ASan would object otherwise); its content is unspecified.
  volatile char last = e.bytes.data()[e.bytes.size() + JsonArraySplitter::kPadding - 1];
  (void)last;
  CHECK(s.top_level_is_array());
  CHECK(s.offset() == e.end_offset);
}

namespace {
// A stream that fails after some bytes, like a broken ZIP entry.
struct FailingSource : ByteSource {
  std::string name_ = "broken";
  int calls = 0;
  Result<size_t> read(char* buf, size_t n) override {
    if (calls++ == 0 && n >= 3) {
      std::memcpy(buf, "[1,", 3);
      return size_t(3);
    }
    return Error{"broken: read failed at offset 3"};
  }
  const std::string& name() const override { return name_; }
};
}  // namespace

TEST_CASE("json array: a read error of the stream is the splitter's error, once and for all") {
  FailingSource src;
  JsonArraySplitter s(src);
  JsonElement e;
  auto r = s.next(e);
  REQUIRE(r.ok());
  CHECK(*r);
  CHECK(e.bytes == "1");
  r = s.next(e);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "broken: read failed at offset 3");
  CHECK(s.next(e).error().message == "broken: read failed at offset 3");
}
