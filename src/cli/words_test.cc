#include "cli/words.h"

#include <doctest/doctest.h>

using namespace memconn;
using V = std::vector<std::string>;

TEST_CASE("words: help and version as words, global options and their values skipped") {
  CHECK(rewrite_help_words(V{"memconn", "help"}) == V{"memconn", "--help"});
  CHECK(rewrite_help_words(V{"memconn", "help", "ingest"}) == V{"memconn", "ingest", "--help"});
  CHECK(rewrite_help_words(V{"memconn", "help", "dlq", "retry"}) == V{"memconn", "dlq", "retry", "--help"});
  CHECK(rewrite_help_words(V{"memconn", "--url", "http://h", "help", "ingest"}) ==
        V{"memconn", "--url", "http://h", "ingest", "--help"});
  CHECK(rewrite_help_words(V{"memconn", "version"}) == V{"memconn", "--version"});
  // A file called "help" given to ingest is a file, not a request for help.
  CHECK(rewrite_help_words(V{"memconn", "ingest", "help"}) == V{"memconn", "ingest", "help"});
  CHECK(rewrite_help_words(V{"memconn", "--bank", "help", "ingest", "x"}) == V{"memconn", "--bank", "help", "ingest", "x"});
  CHECK(first_word(V{"memconn", "-q", "--json", "status"}) == std::optional<size_t>(3));
  CHECK(first_word(V{"memconn", "--state=s.json", "status"}) == std::optional<size_t>(2));
  CHECK_FALSE(first_word(V{"memconn", "--json"}).has_value());
}

TEST_CASE("words: the closest command within two edits, or a prefix") {
  V names{"ingest", "recall", "reflect", "verify", "status", "sync", "serve", "doctor", "dlq"};
  CHECK(closest_name("ingset", names) == std::optional<std::string>("ingest"));
  CHECK(closest_name("ing", names) == std::optional<std::string>("ingest"));
  CHECK(closest_name("verfy", names) == std::optional<std::string>("verify"));
  CHECK(closest_name("stauts", names) == std::optional<std::string>("status"));
  CHECK_FALSE(closest_name("frobnicate", names).has_value());
}
