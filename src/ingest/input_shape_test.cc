#include "ingest/input_shape.h"

#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("input shape: the same options go on, other ones are named as the user typed them") {
  ShapeOptions lines{"lines", "line", "", "", "", {}, {}};
  ShapeOptions jsonl = lines;
  jsonl.format = "jsonl";
  CHECK_FALSE(shape_change(input_shape(lines), input_shape(lines)).has_value());
  CHECK_FALSE(shape_change("", input_shape(jsonl)).has_value());  // recorded by an older version
  CHECK(shape_change(input_shape(lines), input_shape(jsonl)) == std::optional<std::string>("--format lines (now --format jsonl)"));
  ShapeOptions tagged = lines;
  tagged.tags = {"a", "b"};
  CHECK(shape_change(input_shape(tagged), input_shape(lines)) == std::optional<std::string>("--tags a,b (now no --tags)"));
  ShapeOptions templ = jsonl;
  templ.content_template = "{role}: {content}";
  templ.context = "line one\nline two";
  CHECK(shape_change(input_shape(jsonl), input_shape(templ)) ==
        std::optional<std::string>("no --template (now --template \"{role}: {content}\")"));
  CHECK(input_shape(templ).find("context=line one\\nline two\n") != std::string::npos);
  CHECK(shape_flags(input_shape(tagged)) == "--format lines --tags a,b");
}

TEST_CASE("input shape: parse_shape gives back the options a shape records") {
  ShapeOptions o{"jsonl", "file", "notes/", "{a}: {b}", "two\nlines", {"content=x.y", "document_id=z"}, {"t1", "t2"}};
  auto back = parse_shape(input_shape(o));
  CHECK(back.format == "jsonl");
  CHECK(back.unit == "file");
  CHECK(back.id_prefix == "notes/");
  CHECK(back.content_template == "{a}: {b}");
  CHECK(back.context == "two\nlines");
  CHECK(back.map == o.map);
  CHECK(back.tags == o.tags);
  CHECK(input_shape(back) == input_shape(o));
}
