#include "targets/lightrag/query.h"

#include <simdjson.h>

#include "base/exit_codes.h"
#include "base/json_writer.h"

namespace memconn {

namespace {

std::string str(simdjson::dom::element e, const char* key) {
  std::string_view sv;
  return e[key].get_string().get(sv) ? std::string() : std::string(sv);
}

std::string shorten(const std::string& s, size_t max) {
  std::string out = s;
  for (auto& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (out.size() <= max) return out;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return out.substr(0, cut) + "...";
}

}  // namespace

std::string lightrag_query_body(const std::string& query, const std::string& mode) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().key("query").value(query).key("mode").value(mode).key("include_references").value(true).end_object();
  return s;
}

Result<std::string> render_lightrag_data(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) || !doc.is_object())
    return Error{"the server's /query/data answer is not JSON", exit_code::kPartial};
  std::string status = str(doc, "status");
  // 0260 answers 200 "failure" when retrieval found nothing: that is an answer, not an error.
  std::string_view reason;
  if (status == "failure" && !doc["metadata"]["failure_reason"].get_string().get(reason) && reason == "no_results")
    return std::string("no memories matched\n");
  if (!status.empty() && status != "success")
    return Error{"LightRAG: " + (str(doc, "message").empty() ? status : str(doc, "message")), exit_code::kPartial};
  simdjson::dom::array chunks, entities;
  if (doc["data"]["chunks"].get_array().get(chunks))
    return Error{"the server's /query/data answer has no data.chunks", exit_code::kPartial};
  std::string out;
  int n = 0;
  for (auto c : chunks) {
    out += std::to_string(++n) + ". " + shorten(str(c, "content"), 300) + "\n";
    if (auto f = str(c, "file_path"); !f.empty()) out += "   source: " + f + "\n";
  }
  if (!doc["data"]["entities"].get_array().get(entities) && entities.size() > 0) {
    std::string names;
    size_t shown = 0;
    for (auto e : entities) {
      if (shown++ == 10) {
        names += ", ...";
        break;
      }
      names += (names.empty() ? "" : ", ") + str(e, "entity_name");
    }
    out += "entities: " + names + "\n";
  }
  if (n == 0) out = "no memories matched\n";
  return out;
}

Result<std::string> render_lightrag_answer(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view text;
  if (parser.parse(body).get(doc) || doc["response"].get_string().get(text))
    return Error{"the server's /query answer is not the documented JSON (no \"response\")", exit_code::kPartial};
  std::string out(text);
  if (!out.ends_with("\n")) out += "\n";
  simdjson::dom::array refs;
  if (!doc["references"].get_array().get(refs) && refs.size() > 0) {
    out += "\nReferences:\n";
    for (auto r : refs) out += "  [" + str(r, "reference_id") + "] " + str(r, "file_path") + "\n";
  }
  return out;
}

}  // namespace memconn
