#include "ingest/input_shape.h"

#include <sstream>
#include <utility>

namespace memconn {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// Values are kept on one line: a newline inside one (a template, a context) is escaped.
std::string escaped_line(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\\') out += "\\\\";
    else out += c;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse(const std::string& shape) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(shape);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) out.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  return out;
}

// "--tags a,b", or "no --tags" for an empty value (the flag as the user would type it).
std::string flag(const std::string& name, const std::string& value) {
  std::string f = name == "id_prefix" ? "--id-prefix" : name == "template" ? "--template" : "--" + name;
  if (value.empty()) return "no " + f;
  bool quote = value.find_first_of(" \"'{}") != std::string::npos;
  return f + " " + (quote ? "\"" + value + "\"" : value);
}

}  // namespace

std::string input_shape(const ShapeOptions& o) {
  std::string s;
  auto add = [&](const char* name, const std::string& value) { s += std::string(name) + "=" + escaped_line(value) + "\n"; };
  add("format", o.format);
  add("unit", o.unit);
  add("map", join(o.map));
  add("template", o.content_template);
  add("tags", join(o.tags));
  add("context", o.context);
  add("id_prefix", o.id_prefix);
  return s;
}

std::optional<std::string> shape_change(const std::string& recorded, const std::string& now) {
  if (recorded.empty() || recorded == now) return std::nullopt;
  auto old_fields = parse(recorded), new_fields = parse(now);
  for (const auto& [name, value] : new_fields) {
    std::string before;
    for (const auto& [n, v] : old_fields)
      if (n == name) before = v;
    if (before != value) return flag(name, before) + " (now " + flag(name, value) + ")";
  }
  return std::string("other options");
}

ShapeOptions shape_options_of(const IngestOptions& o, bool jsonl) {
  ShapeOptions so;
  so.format = jsonl ? "jsonl" : "lines";
  so.unit = o.unit;
  so.id_prefix = o.id_prefix;
  so.content_template = o.content_template;
  so.context = o.context;
  so.map = o.map;
  so.tags = o.tags;
  return so;
}

void apply_shape(const ShapeOptions& shape, IngestOptions& o) {
  o.format = shape.format;
  o.unit = shape.unit;
  o.id_prefix = shape.id_prefix;
  o.content_template = shape.content_template;
  o.context = shape.context;
  o.map = shape.map;
  o.tags = shape.tags;
}

ShapeOptions parse_shape(const std::string& shape) {
  auto unescape = [](const std::string& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '\\' && i + 1 < v.size()) {
        out += v[i + 1] == 'n' ? '\n' : v[i + 1];
        ++i;
      } else {
        out += v[i];
      }
    }
    return out;
  };
  auto split = [](const std::string& v) {
    std::vector<std::string> out;
    size_t at = 0;
    while (!v.empty() && at <= v.size()) {
      size_t comma = v.find(',', at);
      out.push_back(v.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
      if (comma == std::string::npos) break;
      at = comma + 1;
    }
    return out;
  };
  ShapeOptions o;
  for (const auto& [name, raw] : parse(shape)) {
    std::string value = unescape(raw);
    if (name == "format") o.format = value;
    else if (name == "unit") o.unit = value;
    else if (name == "map") o.map = split(value);
    else if (name == "template") o.content_template = value;
    else if (name == "tags") o.tags = split(value);
    else if (name == "context") o.context = value;
    else if (name == "id_prefix") o.id_prefix = value;
  }
  return o;
}

std::string shape_flags(const std::string& shape) {
  std::string out;
  for (const auto& [name, value] : parse(shape)) {
    if (value.empty() || (name == "unit" && value == "line")) continue;
    out += (out.empty() ? "" : " ") + flag(name, value);
  }
  return out;
}

}  // namespace memconn
