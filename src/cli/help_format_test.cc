#include "cli/help_format.h"

#include <doctest/doctest.h>

#include <sstream>

using namespace memconn;

TEST_CASE("help: descriptions wrap at the width, keep their line breaks and count code points") {
  CHECK(wrap_words("one two three four", 9) == "one two\nthree\nfour");
  CHECK(wrap_words("a\nb c", 80) == "a\nb c");
  CHECK(wrap_words("averyveryverylongword x", 5) == "averyveryverylongword\nx");
  CHECK(wrap_words("é é é é", 3) == "é é\né é");  // 3 columns, 5 bytes a line
  CHECK(wrap_words("", 10).empty());
}

TEST_CASE("help: no line of a subcommand's help passes the width") {
  CLI::App app("test");
  app.formatter(std::make_shared<WrappingFormatter>(70));
  auto* sub = app.add_subcommand("ingest", "Send files or stdin to a memory server; a rather long description that must wrap");
  std::string value;
  sub->add_option("--long-option", value,
                  "A description long enough to pass seventy columns several times over, as the real ones did when "
                  "they ran to two hundred columns in a terminal eighty wide");
  std::istringstream help(sub->help());
  std::string line;
  int lines = 0;
  while (std::getline(help, line)) {
    CAPTURE(line);
    CHECK(line.size() <= 70);
    ++lines;
  }
  CHECK(lines > 4);
  std::istringstream top(app.help());
  while (std::getline(top, line)) {
    CAPTURE(line);
    CHECK(line.size() <= 70);
  }
}
