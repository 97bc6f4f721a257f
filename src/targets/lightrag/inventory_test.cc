#include "targets/lightrag/inventory.h"

#include <doctest/doctest.h>

namespace memconn {

TEST_CASE("lightrag_expected_length counts code points of the stripped text") {
  CHECK(lightrag_expected_length("hello") == 5u);
  CHECK(lightrag_expected_length("  hello world\n\n") == 11u);
  CHECK(lightrag_expected_length("caf\xC3\xA9 au lait") == 12u);  // é is one code point, two bytes
  CHECK(lightrag_expected_length("a\tb\r\nc") == 6u);             // tab, CR and LF are kept inside
  CHECK(lightrag_expected_length(" \n ") == 0u);
}

TEST_CASE("lightrag_expected_length refuses what Python would count differently") {
  CHECK_FALSE(lightrag_expected_length("Tom &amp; Jerry"));       // html.unescape shortens it
  CHECK_FALSE(lightrag_expected_length("bell\x07 inside"));       // control characters are dropped
  CHECK_FALSE(lightrag_expected_length("\xC2\xA0nbsp first"));    // str.strip knows Unicode spaces
  CHECK_FALSE(lightrag_expected_length("ends with \xE2\x80\x83"));
  CHECK_FALSE(lightrag_expected_length("non\xEF\xBF\xBF" "character"));
}

TEST_CASE("lightrag_page_size stays inside the server's 10..200") {
  CHECK(lightrag_page_size(1000) == 200);
  CHECK(lightrag_page_size(1) == 10);
  CHECK(lightrag_page_size(50) == 50);
}

}  // namespace memconn
