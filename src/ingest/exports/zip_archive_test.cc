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
  std::string msg;
  if (!z) {
    msg = z.error().message;
  } else {
    ZipEntry e;
    auto r = (*z)->next(e);
    REQUIRE_FALSE(r.ok());
    msg = r.error().message;
  }
  CHECK(msg.starts_with("notes.zip: "));
  auto zip = make_zip({{"conversations.json", "[]"}});
  std::string cut = zip.substr(0, 20);  // inside the first local header
  auto c = ZipArchive::open_memory(cut, "cut.zip");
  if (c) {
    ZipEntry e;
    auto r = (*c)->next(e);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.starts_with("cut.zip: corrupt or truncated ZIP at its first entry near offset "));
  } else {
    CHECK(c.error().message.starts_with("cut.zip: "));
  }
  CHECK(ZipArchive::open("/nonexistent/x.zip").error().message.starts_with("/nonexistent/x.zip: cannot read as ZIP: "));
}
