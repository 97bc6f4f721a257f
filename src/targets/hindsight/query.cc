#include "targets/hindsight/query.h"

#include <simdjson.h>

#include "base/exit_codes.h"
#include "base/json_writer.h"

namespace memconn {

namespace {

void write_tags(JsonWriter& w, const std::vector<std::string>& tags, const std::string& match) {
  if (!tags.empty()) {
    w.key("tags").begin_array();
    for (const auto& t : tags) w.value(t);
    w.end_array();
  }
  if (!match.empty()) w.key("tags_match").value(match);
}

std::string str(simdjson::dom::element e, const char* key) {
  std::string_view sv;
  return e[key].get_string().get(sv) ? std::string() : std::string(sv);
}

}  // namespace

std::string hindsight_recall_body(const QueryRequest& o) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().key("query").value(o.query);
  if (!o.budget.empty()) w.key("budget").value(o.budget);
  if (o.max_tokens) w.key("max_tokens").value(*o.max_tokens);
  if (!o.types.empty()) {
    w.key("types").begin_array();
    for (const auto& t : o.types) w.value(t);
    w.end_array();
  }
  if (!o.query_timestamp.empty()) w.key("query_timestamp").value(o.query_timestamp);
  if (o.include_chunks) w.key("include").begin_object().key("chunks").begin_object().end_object().end_object();
  write_tags(w, o.tags, o.tags_match);
  w.end_object();
  return s;
}

std::string hindsight_reflect_body(const QueryRequest& o) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().key("query").value(o.query);
  if (!o.budget.empty()) w.key("budget").value(o.budget);
  if (o.max_tokens) w.key("max_tokens").value(*o.max_tokens);
  if (!o.context.empty()) w.key("context").value(o.context);
  if (o.include_facts) w.key("include").begin_object().key("facts").begin_object().end_object().end_object();
  if (!o.response_schema.empty()) w.key("response_schema").raw(o.response_schema);
  write_tags(w, o.tags, o.tags_match);
  w.end_object();
  return s;
}

Result<std::string> render_hindsight_recall(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array results;
  if (parser.parse(body).get(doc) || doc["results"].get_array().get(results))
    return Error{"the server's recall answer is not the documented JSON (no \"results\" array)", exit_code::kUnreachable};
  std::string out;
  int n = 0;
  for (auto r : results) {
    ++n;
    std::string type = str(r, "type");
    std::string date = str(r, "occurred_start");
    if (date.empty()) date = str(r, "mentioned_at");
    out += std::to_string(n) + ". ";
    if (!type.empty()) out += "[" + type + "] ";
    if (!date.empty()) out += date.substr(0, 10) + "  ";
    out += str(r, "text") + "\n";
    std::string extra;
    simdjson::dom::array tags;
    if (!r["tags"].get_array().get(tags) && tags.size() > 0) {
      std::string t;
      for (auto tag : tags) {
        std::string_view sv;
        if (!tag.get_string().get(sv)) t += (t.empty() ? "" : ", ") + std::string(sv);
      }
      extra += "tags: " + t;
    }
    simdjson::dom::object meta;
    if (!r["metadata"].get_object().get(meta)) {
      std::string_view src, line;
      if (!meta["source"].get_string().get(src)) {
        extra += (extra.empty() ? "" : "  ") + std::string("source: ") + std::string(src);
        if (!meta["line"].get_string().get(line)) extra += ":" + std::string(line);
      }
    }
    if (!extra.empty()) out += "   " + extra + "\n";
  }
  if (n == 0) out = "no memories matched\n";
  return out;
}

Result<std::string> render_hindsight_reflect(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view text;
  if (parser.parse(body).get(doc) || doc["text"].get_string().get(text))
    return Error{"the server's reflect answer is not the documented JSON (no \"text\")", exit_code::kUnreachable};
  std::string out(text);
  if (!out.ends_with("\n")) out += "\n";
  simdjson::dom::element structured;
  if (!doc["structured_output"].get(structured) && !structured.is_null())
    out += "\nStructured output:\n" + simdjson::minify(structured) + "\n";
  simdjson::dom::array memories;
  if (!doc["based_on"]["memories"].get_array().get(memories) && memories.size() > 0) {
    out += "\nSources:\n";
    int n = 0;
    for (auto m : memories) {
      std::string type = str(m, "type");
      out += "  " + std::to_string(++n) + ". " + (type.empty() ? "" : "[" + type + "] ") + str(m, "text") + "\n";
    }
  }
  return out;
}

}  // namespace memconn
