#include "ingest/exports/zip_archive.h"

#include <doctest/doctest.h>

#include "ingest/exports/export_fixtures_test.h"

using namespace memconn;
using namespace memconn::test_exports;

namespace {
std::string read_all(ByteSource& s, std::string* error = nullptr) {
  std::string out;
  char buf[7];
  for (;;) {
    auto n = s.read(buf, sizeof buf);
    if (!n) {
      if (error) *error = n.error().message;
      return out;
    }
    if (*n == 0) return out;
    out.append(buf, *n);
  }
}
}  // namespace

TEST_CASE("zip: entries stream in order, deflated or stored, from memory or a file") {
  std::string big(300000, 'x');
  for (bool stored : {false, true}) {
    auto zip = make_zip({{"a/conversations.json", "[1,2]"}, {"b.txt", big}}, stored);
    auto z = ZipArchive::open_memory(zip, "export.zip");
    REQUIRE(z.ok());
    ZipEntry e;
    REQUIRE(*(*z)->next(e));
    CHECK(e.path == "a/conversations.json");
    CHECK(e.is_file);
    CHECK((*z)->data().name() == "export.zip:a/conversations.json");
    CHECK(read_all((*z)->data()) == "[1,2]");
    REQUIRE(*(*z)->next(e));
    CHECK(e.path == "b.txt");
    CHECK(read_all((*z)->data()) == big);
    CHECK_FALSE(*(*z)->next(e));
    CHECK_FALSE((*z)->failed());
  }
  TempDir dir("zip");
  auto path = dir.write("x.zip", make_zip({{"one.json", "[]"}, {"two.json", "{}"}}));
  auto z = ZipArchive::open(path);
  REQUIRE(z.ok());
  ZipEntry e;
  REQUIRE(*(*z)->next(e));  // the first entry's data is skipped by asking for the next
  REQUIRE(*(*z)->next(e));
  CHECK(read_all((*z)->data()) == "{}");
  CHECK((*z)->name() == path);
}

TEST_CASE("zip: a truncated archive is one line naming the file, the entry and the offset") {
  std::string payload;
  for (int i = 0; i < 20000; ++i) payload += "{\"n\":" + std::to_string(i * 7919 % 10007) + "},";
  auto zip = make_zip({{"conversations.json", payload}});
  std::string cut = zip.substr(0, zip.size() / 2);
  auto z = ZipArchive::open_memory(cut, "export.zip");
  REQUIRE(z.ok());
  ZipEntry e;
  REQUIRE(*(*z)->next(e));
  std::string error;
  std::string got = read_all((*z)->data(), &error);
  CHECK(got.size() < payload.size());
  CHECK(error.starts_with("export.zip: corrupt or truncated ZIP in entry conversations.json near offset "));
  CHECK(error.find('\n') == std::string::npos);
  CHECK((*z)->failed());
  auto again = (*z)->next(e);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message == error);
  CHECK((*z)->data().read(nullptr, 0).error().message == error);
}

TEST_CASE("zip: what is not a ZIP, or is cut inside a header, says so") {
  auto z = ZipArchive::open_memory("this is not a zip at all", "notes.zip");
  REQUIRE_FALSE(z.ok());
  CHECK(z.error().message == "notes.zip: cannot read as ZIP: Unrecognized archive format");
  auto zip = make_zip({{"conversations.json", "[]"}});
  std::string cut = zip.substr(0, 20);  // inside the first local header
  auto c = ZipArchive::open_memory(cut, "cut.zip");
  REQUIRE(c.ok());  // the signature is there: what follows it is read on demand
  ZipEntry e;
  auto r = (*c)->next(e);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "cut.zip: corrupt or truncated ZIP at its first entry near offset 0: Truncated ZIP file header");
  CHECK(ZipArchive::open("/nonexistent/x.zip").error().message.starts_with("/nonexistent/x.zip: cannot read as ZIP: "));
}

TEST_CASE("zip: a broken archive's error stays on one line whatever the entry is called") {
  // Found by fuzzing (tests/fuzz/corpus/zip/crash-entry-newline): a local header whose name
  // holds a line break, then nothing. libarchive's own messages may end in a newline too.
  const unsigned char bytes[] = {0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x21, 0x72, 0x87,
                                 0x5d, 0x87, 0x22, 0x0b, 0xc6, 0x8c, 0x6e, 0xe5, 0x59, 0x4b, 0x6f, 0x1b, 0x37,
                                 0x09, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00};
  auto z = ZipArchive::open_memory(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes), "f.zip");
  REQUIRE(z.ok());
  ZipEntry e;
  std::string error;
  for (int i = 0; i < 3 && error.empty(); ++i) {
    auto r = (*z)->next(e);
    if (!r) {
      error = r.error().message;
    } else if (*r) {
      CHECK(e.path.find('\n') == std::string::npos);
      read_all((*z)->data(), &error);
    }
  }
  CHECK(error.starts_with("f.zip: corrupt or truncated ZIP"));
  CHECK(error.find('\n') == std::string::npos);
  CHECK(error.find('\r') == std::string::npos);
}
