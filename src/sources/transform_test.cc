#include "sources/transform.h"

#include <doctest/doctest.h>
#include <simdjson.h>


using namespace memconn;

namespace {

SourceRecord memory() {
  SourceRecord r;
  r.id = "abc123XYZ";
  r.type = "memory";
  r.text = "Had a great team meeting today.\n";
  r.created_at = "2024-01-19T07:28:08Z";
  r.time = parse_iso8601(r.created_at);
  r.updated_at = "2024-01-19T07:30:00Z";
  r.audio = true;
  r.image = true;
  r.lat = 48.1351;
  r.lon = 11.582;
  r.tags = {"work"};
  return r;
}

struct Setup {
  ConnectorConfig conn;
  SourceConfig src;
  Setup() {
    conn.name = "pendant-to-rag";
    conn.tags = {"pendant"};
    src.name = "pendant";
    src.kind = SourceKind::kMemoryApi;
    src.context = "107677460544181387647";
  }
};

}  // namespace

TEST_CASE("transform standard: date header, transcript, media line, 4-decimal location (spec 2.5 [K-b])") {
  CHECK(standard_text(memory()) ==
        "[Memory abc123XYZ from 2024-01-19 07:28:08 UTC]\n"
        "Had a great team meeting today.\n"
        "[Audio recording available, Image attachment available]\n"
        "[Location: 48.1351, 11.5820]");
  auto r = memory();
  r.image = false;
  r.lat.reset();
  CHECK(standard_text(r) == "[Memory abc123XYZ from 2024-01-19 07:28:08 UTC]\nHad a great team meeting today.\n[Audio recording available]");
  r.audio = false;
  r.lat = 0;
  r.lon = 0;  // a phone without a fix, not a place
  r.time.reset();
  CHECK(standard_text(r) == "[Memory abc123XYZ]\nHad a great team meeting today.");
}

TEST_CASE("transform template: every placeholder gets the record's value") {
  Setup s;
  auto t = parse_connector_template(
      "{id}|{type}|{created_at:%d.%m.%Y %H:%M}|{updated_at}|{location}|{location_lat}|{audio}|{image}|{tags}|"
      "{context_id}|{source}|{connector}|{transcript}");
  REQUIRE(t.ok());
  RenderContext ctx{&s.conn, &s.src, &*t};
  CHECK(render_text(ctx, memory()) ==
        "abc123XYZ|memory|19.01.2024 07:28|2024-01-19T07:30:00Z|48.1351, 11.5820|48.135100|true|true|work|"
        "107677460544181387647|pendant|pendant-to-rag|Had a great team meeting today.");  // trimmed, as standard
}

TEST_CASE("transform: two memories with the same transcript render to different texts") {
  auto a = memory(), b = memory();
  b.id = "other42";
  CHECK(standard_text(a) != standard_text(b));
}
