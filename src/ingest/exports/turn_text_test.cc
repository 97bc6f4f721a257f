#include "ingest/exports/turn_text.h"

#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("turn text: every kind of line break becomes a literal \\n, blank runs count once") {
  CHECK(flatten_turn_text("a\nb") == "a\\nb");
  CHECK(flatten_turn_text("a\r\nb\rc") == "a\\nb\\nc");
  CHECK(flatten_turn_text("a\xC2\x85" "b\xE2\x80\xA8" "c\xE2\x80\xA9" "d") == "a\\nb\\nc\\nd");
  CHECK(flatten_turn_text("para one\n\n\n\npara two") == "para one\\n\\npara two");
  CHECK(flatten_turn_text("x\n  \t\ny") == "x\\n\\ny");  // a line of blanks is a blank line
}

TEST_CASE("turn text: indentation stays, trailing and leading blanks go") {
  CHECK(flatten_turn_text("  \n\n  def f():\n      return 1   \n\n") == "def f():\\n      return 1");
  CHECK(flatten_turn_text("\t lead") == "lead");
}

TEST_CASE("turn text: control characters are dropped, a tab and text are kept") {
  CHECK(flatten_turn_text(std::string("a\x00" "b\x07" "c\td\x7f", 8)) == "abc\td");
  CHECK(flatten_turn_text("caf\xC3\xA9 \\n stays") == "caf\xC3\xA9 \\n stays");
}

TEST_CASE("turn text: nothing visible is an empty turn") {
  CHECK(flatten_turn_text("") == "");
  CHECK(flatten_turn_text(" \n\r\n\t ") == "");
  CHECK(flatten_turn_text("\x01\x02") == "");
}
