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
std::string one_line(const std::string& s) {
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
  auto add = [&](const char* name, const std::string& value) { s += std::string(name) + "=" + one_line(value) + "\n"; };
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

std::string shape_flags(const std::string& shape) {
  std::string out;
  for (const auto& [name, value] : parse(shape)) {
    if (value.empty() || (name == "unit" && value == "line")) continue;
    out += (out.empty() ? "" : " ") + flag(name, value);
  }
  return out;
}

}  // namespace memconn
