// The line/JSONL item parser (ingest/item_parser): plain lines, JSONL objects, and JSONL
// through --map and --template, on any bytes (invalid UTF-8, deep nesting, odd types), for
// each kind of target; an item it makes must encode and decode back to the same content
// and id (what a dead letter relies on).
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "base/diagnostics.h"
#include "ingest/field_map.h"
#include "ingest/item_parser.h"
#include "targets/registry.h"

using namespace memconn;

namespace {

std::shared_ptr<const FieldMap> mapped() {
  static std::shared_ptr<const FieldMap> m = [] {
    auto r = parse_field_map({"content=message.content.parts.0", "document_id=conversation_id", "timestamp=create_time",
                              "tags=labels", "metadata=meta", "context=ctx"},
                             "{message.author.role}: {content} {extra.0}");
    if (!r) std::abort();
    return std::make_shared<const FieldMap>(*r);
  }();
  return m;
}

const Target* target(bool lightrag) {
  static NullDiagnostics quiet;
  static auto make = [](TargetKind kind) {
    TargetEnv env;
    env.console = &quiet;
    TargetSpec spec;
    spec.kind = kind;
    return make_target(spec, env);
  };
  static auto hindsight = make(TargetKind::kHindsight);
  static auto rag = make(TargetKind::kLightrag);
  return lightrag ? rag.get() : hindsight.get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view line(reinterpret_cast<const char*>(data) + 1, size - 1);
  int mode = data[0] % 4;
  const Target* t = target(data[0] & 4);
  ParseOptions opt{{"t1", "t2"}, "ctx", "fuzz.jsonl", mode == 3 ? "doc-1" : "", mode == 2 ? mapped() : nullptr, t};
  ItemParser parser(mode == 0 ? Format::Lines : Format::Jsonl, opt);
  Item it;
  Origin origin{0, 1, 0, line.size(), 0};
  ParseResult r = parser.parse(line, origin, it);
  if (r.status == ParseStatus::Invalid && r.error.empty()) std::abort();
  if (r.status != ParseStatus::Item) return 0;
  if (it.document_id.empty() || it.json.empty()) std::abort();
  Item back;
  if (!t->decode(it.json, back) || back.content != it.content) std::abort();
  return 0;
}
