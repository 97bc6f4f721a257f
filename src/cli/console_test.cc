#include "cli/console.h"

#include <doctest/doctest.h>

using namespace memconn;

TEST_CASE("should_announce_stdin - only stdin and stderr both terminals and not -q") {
  CHECK(should_announce_stdin(true, true, false));
  CHECK_FALSE(should_announce_stdin(false, true, false));  // a pipe or a file: no one is typing
  CHECK_FALSE(should_announce_stdin(true, false, false));  // stderr to a file: no one reads it live
  CHECK_FALSE(should_announce_stdin(true, true, true));    // -q
  CHECK_FALSE(should_announce_stdin(false, false, false));
}
