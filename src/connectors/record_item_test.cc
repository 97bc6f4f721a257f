#include "connectors/record_item.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include "targets/registry.h"

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

// A target of this kind, for encoding only (it is never asked anything over the network).
Item item_for(TargetKind kind, const RenderContext& ctx, const SourceRecord& r) {
  static NullDiagnostics quiet;
  TargetEnv env;
  env.console = &quiet;
  TargetSpec spec;
  spec.kind = kind;
  return make_connector_item(*make_target(spec, env), ctx, r);
}

std::map<std::string, std::string> metadata_of(const Item& it) {
  return {it.metadata.begin(), it.metadata.end()};
}

}  // namespace

TEST_CASE("connector item for Hindsight: stable document id, timestamp, tags and string metadata") {
  Setup s;
  s.conn.context = "voice memo";
  RenderContext ctx{&s.conn, &s.src, nullptr};
  Item it = item_for(TargetKind::kHindsight, ctx, memory());
  CHECK(it.document_id == "memory_107677460544181387647_abc123XYZ");
  CHECK(it.timestamp == "2024-01-19T07:28:08Z");
  CHECK(it.context == "voice memo");
  CHECK(it.tags == std::vector<std::string>{"pendant", "work"});
  auto m = metadata_of(it);
  CHECK(m["memory_id"] == "abc123XYZ");
  CHECK(m["memory_type"] == "memory");
  CHECK(m["created_at"] == "2024-01-19T07:28:08Z");
  CHECK(m["context_id"] == "107677460544181387647");
  CHECK(m["has_audio"] == "true");
  CHECK(m["has_image"] == "true");
  CHECK(m["location"] == "48.1351, 11.5820");
  CHECK(m["connector"] == "pendant-to-rag");
  CHECK_FALSE(m.count("description"));  // absent fields are not sent as ""
  simdjson::dom::parser p;
  auto doc = p.parse(it.json);
  CHECK(doc["document_id"].get_string().value() == "memory_107677460544181387647_abc123XYZ");
  CHECK(doc["metadata"]["has_audio"].get_string().value() == "true");
  CHECK(doc["content"].get_string().value().starts_with("[Memory abc123XYZ from 2024-01-19 07:28:08 UTC]\n"));
}

TEST_CASE("connector item for LightRAG: text + unique slash-free file_source, nothing else") {
  Setup s;
  RenderContext ctx{&s.conn, &s.src, nullptr};
  auto r = memory();
  Item it = item_for(TargetKind::kLightrag, ctx, r);
  CHECK(it.document_id == "memory_107677460544181387647_abc123XYZ.txt");
  CHECK(it.metadata.empty());
  CHECK(it.tags.empty());
  simdjson::dom::parser p;
  auto doc = p.parse(it.json);
  CHECK(doc["file_source"].get_string().value() == "memory_107677460544181387647_abc123XYZ.txt");
  CHECK(doc["text"].get_string().value() == std::string_view(it.content));
  r.id = "a/b c";
  CHECK(item_for(TargetKind::kLightrag, ctx, r).document_id == "memory_107677460544181387647_a%2Fb%20c.txt");
  s.src.kind = SourceKind::kHttpJson;
  s.src.name = "notes";
  CHECK(record_document_id(s.src, r) == "notes_a/b c");
}
