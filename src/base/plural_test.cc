#include "base/plural.h"

#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("count_of - singular for one, plural otherwise, irregular plurals given") {
  CHECK(count_of(1, "line") == "1 line");
  CHECK(count_of(0, "line") == "0 lines");
  CHECK(count_of(2, "document") == "2 documents");
  CHECK(count_of(1, "retry", "retries") == "1 retry");
  CHECK(count_of(3, "retry", "retries") == "3 retries");
  CHECK(count_of(1, "duplicate") == "1 duplicate");
}
