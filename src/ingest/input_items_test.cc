#include "ingest/input_items.h"

#include <doctest/doctest.h>

#include <string>

using namespace memconn;

namespace {
// "hi\n" in UTF-16 little endian, with or without its byte-order mark.
std::string utf16le(const std::string& ascii, bool bom) {
  std::string out = bom ? std::string("\xFF\xFE") : std::string();
  for (char c : ascii) {
    out += c;
    out += '\0';
  }
  return out;
}
}  // namespace

TEST_CASE("not_text_reason - UTF-16 with or without a BOM gets the iconv command - binary keeps its line") {
  CHECK(not_text_reason(utf16le("hello there\n", true), "notes.txt") ==
        "notes.txt looks like UTF-16, skipped; convert it first: iconv -f UTF-16 -t UTF-8 notes.txt > notes-utf8.txt");
  CHECK(not_text_reason(std::string("\xFE\xFF") + std::string("\0h\0i", 4), "d/a b.txt") ==
        "d/a b.txt looks like UTF-16, skipped; convert it first: iconv -f UTF-16 -t UTF-8 'd/a b.txt' > 'd/a b-utf8.txt'");
  CHECK(not_text_reason(utf16le("hello there\n", false), "n.txt") ==
        "n.txt looks like UTF-16, skipped; convert it first: iconv -f UTF-16LE -t UTF-8 n.txt > n-utf8.txt");
  std::string be = utf16le("x hello there\n", false).substr(1);  // shifted by one byte: big endian
  CHECK(not_text_reason(be, "b.txt")->find("iconv -f UTF-16BE -t UTF-8 b.txt > b-utf8.txt") != std::string::npos);
  CHECK(not_text_reason(std::string("PK\x03\x04 header\0\0\x01 more", 19), "b.bin") ==
        "b.bin: binary file (NUL byte at offset 11), skipped");
  CHECK_FALSE(not_text_reason("plain text\n", "t.txt").has_value());
  CHECK_FALSE(not_text_reason("", "t.txt").has_value());
}

TEST_CASE("latin1_hint names the file and the iconv command - stdin gets the pipe form") {
  CHECK(latin1_hint("old.txt", false) == " (if the file is Latin-1: iconv -f LATIN1 -t UTF-8 old.txt > old-utf8.txt)");
  CHECK(latin1_hint("stdin", true) == " (if the input is Latin-1: pipe it through iconv -f LATIN1 -t UTF-8)");
}
