// The top-level JSON array splitter (ingest/exports/json_array) against simdjson: whenever
// simdjson reads the whole input as an array, the splitter must yield exactly its elements
// (compared minified), at every read size; on any input it must never crash, never hand out
// bytes outside the input, and keep offsets in order.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ingest/exports/json_array.h"

using namespace memconn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // The first byte chooses how the stream arrives and what is allowed.
  uint8_t mode = data[0];
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t chunk = (mode & 7) == 7 ? SIZE_MAX : (mode & 7) + 1;
  SplitterOptions o;
  o.single_value = mode & 8;
  o.read_chunk = chunk == SIZE_MAX ? (1 << 20) : chunk;
  if (mode & 16) o.max_element_bytes = 64;
  MemorySource src(input, "fuzz", chunk);
  JsonArraySplitter s(src, o);
  std::vector<std::string> elements;
  JsonElement e;
  uint64_t last_end = 0;
  bool clean = false;
  for (;;) {
    auto r = s.next(e);
    if (!r) break;
    if (!*r) {
      clean = true;
      break;
    }
    if (e.offset < last_end || e.end_offset > input.size() || e.end_offset - e.offset != e.bytes.size() ||
        input.substr(e.offset, e.bytes.size()) != e.bytes)
      std::abort();
    last_end = e.end_offset;
    elements.emplace_back(e.bytes);
  }
  if (o.max_element_bytes || input.starts_with("\xEF\xBB\xBF")) return 0;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(input.data(), input.size()).get(doc)) return 0;
  if (!doc.is_array()) {
    if (o.single_value && (!clean || elements.size() != 1)) std::abort();
    return 0;
  }
  if (!clean) std::abort();
  simdjson::dom::array arr = doc.get_array();
  if (arr.size() != elements.size()) std::abort();
  std::vector<std::string> whole;
  for (auto v : arr) whole.push_back(simdjson::minify(v));
  simdjson::dom::parser one;
  for (size_t i = 0; i < elements.size(); ++i) {
    simdjson::dom::element el;
    if (one.parse(elements[i]).get(el) || simdjson::minify(el) != whole[i]) std::abort();
  }
  return 0;
}
