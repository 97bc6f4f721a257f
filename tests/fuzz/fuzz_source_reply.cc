// What a connector's source says back: a Memory API page ({"count","memories":[…]} or a bare
// array, with the character repair that precedes parsing) and an http-json page read by a
// configured items/id/text/time path with cursor paging.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sources/http_json_source.h"
#include "sources/memory_api.h"

using namespace memconn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  size_t repairs = 0;
  std::string repaired = repair_json_text(body, repairs);
  if (repairs == 0 && repaired != body) std::abort();
  bool too_many = false;
  auto page = parse_memories(repaired, 50, &too_many);
  if (page && page->records.size() > 50) std::abort();
  static const SourceConfig cfg = [] {
    SourceConfig c;
    c.kind = SourceKind::kHttpJson;
    c.items_path = "data.items";
    c.id_field = "id";
    c.text_field = "text";
    c.time_field = "created_at";
    c.paging = Paging::kCursor;
    return c;
  }();
  (void)parse_json_page(cfg, body, 50);
  SourceConfig bare = cfg;
  bare.items_path = "";
  bare.time_field = "";
  (void)parse_json_page(bare, body, 50);
  return 0;
}
