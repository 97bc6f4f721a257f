#include "base/http_message.h"

#include <simdjson.h>

namespace memconn {

std::string one_line(std::string s, size_t max) {
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (s.size() > max) s = s.substr(0, max) + "...";
  return s;
}

std::string error_message(const HttpResponse& resp) {
  if (!resp.transport_ok) return resp.error;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!parser.parse(resp.body).get(doc)) {
    simdjson::dom::element detail;
    if (!doc["detail"].get(detail)) {
      std::string_view sv;
      if (!detail.get_string().get(sv)) return one_line(std::string(sv));
      simdjson::dom::array arr;
      if (!detail.get_array().get(arr)) {  // FastAPI validation errors: list of {loc, msg}
        std::string out;
        for (auto e : arr) {
          std::string_view msg;
          if (e["msg"].get_string().get(msg)) continue;
          if (!out.empty()) out += "; ";
          simdjson::dom::array loc;
          if (!e["loc"].get_array().get(loc)) {
            std::string path;
            for (auto part : loc) {
              std::string_view name;
              path += (path.empty() ? "" : ".") + (part.get_string().get(name) ? simdjson::minify(part) : std::string(name));
            }
            out += path + ": ";
          }
          out += msg;
        }
        if (!out.empty()) return one_line(out);
      }
      return one_line(simdjson::minify(detail));
    }
    std::string_view msg;
    if (!doc["message"].get_string().get(msg)) return one_line(std::string(msg));
    return one_line(resp.body);
  }
  if (resp.content_type.find("html") != std::string::npos) return "HTTP " + std::to_string(resp.status) + " with an HTML page instead of JSON";
  return one_line(resp.body.empty() ? "HTTP " + std::to_string(resp.status) : resp.body);
}

}  // namespace memconn
