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
