#include "serve/connector_request.h"

#include <simdjson.h>

#include <algorithm>

#include "base/duration.h"
#include "base/json_writer.h"
#include "config/connector_template.h"
#include "config/schedule.h"

namespace memconn {

namespace {

FieldError bad(const std::string& field, const std::string& message, const std::string& code = "invalid_field") {
  return FieldError{422, code, message, field};
}

bool valid_name(std::string_view s) {
  return !s.empty() && s.size() <= 128 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  }) && s != "." && s != "..";
}

std::string names_of(const auto& map) {
  std::string s;
  for (const auto& [n, _] : map) s += (s.empty() ? "" : ", ") + n;
  return s.empty() ? "none" : s;
}

}  // namespace

std::variant<ConnectorFields, FieldError> parse_connector_body(std::string_view body, const std::string& name_in_path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::padded_string padded(body);
  if (auto err = parser.parse(padded).get(doc))
    return FieldError{400, "malformed_json", std::string("the body is not JSON: ") + simdjson::error_message(err), ""};
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) return FieldError{400, "malformed_json", "the body must be a JSON object", ""};
  ConnectorFields f;
  bool has_name = false, has_source = false, has_target = false, has_schedule = false;
  auto string_of = [](simdjson::dom::element v, std::string& out) {
    std::string_view s;
    if (v.get_string().get(s)) return false;
    out.assign(s);
    return true;
  };
  for (auto [key, value] : obj) {
    std::string k(key);
    std::string s;
    if (k == "name" || k == "source" || k == "target" || k == "schedule" || k == "transform" || k == "template" ||
        k == "context" || k == "overlap" || k == "first_range") {
      if (!string_of(value, s)) return bad(k, k + ": expected a string");
      if (k == "name") f.name = s, has_name = true;
      else if (k == "source") f.source = s, has_source = true;
      else if (k == "target") f.target = s, has_target = true;
      else if (k == "schedule") f.schedule = s, has_schedule = true;
      else if (k == "transform") f.transform = s;
      else if (k == "template") f.template_text = s;
      else if (k == "context") f.context = s;
      else if (k == "overlap") f.overlap = s;
      else f.first_range = s;
    } else if (k == "enabled") {
      bool b;
      if (value.get_bool().get(b)) return bad(k, "enabled: expected true or false");
      f.enabled = b;
    } else if (k == "tags") {
      simdjson::dom::array arr;
      if (value.get_array().get(arr)) return bad(k, "tags: expected an array of strings");
      for (auto t : arr) {
        if (!string_of(t, s) || s.empty()) return bad(k, "tags: expected an array of non-empty strings");
        f.tags.push_back(s);
      }
    } else {
      return bad(k, "unknown field \"" + k +
                        "\" (known: name, source, target, schedule, enabled, transform, template, tags, context, "
                        "overlap, first_range)",
                 "unknown_field");
    }
  }
  if (name_in_path.empty()) {
    if (!has_name) return bad("name", "name: required", "missing_field");
  } else {
    if (has_name && f.name != name_in_path)
      return bad("name", "name: \"" + f.name + "\" differs from the connector in the path (\"" + name_in_path +
                             "\"); a connector cannot be renamed, create the new one and delete the old");
    f.name = name_in_path;
  }
  if (!has_source) return bad("source", "source: required", "missing_field");
  if (!has_target) return bad("target", "target: required", "missing_field");
  if (!has_schedule) return bad("schedule", "schedule: required", "missing_field");
  return f;
}

std::optional<FieldError> validate_connector(const ConnectorFields& f, const Config& cfg) {
  if (!valid_name(f.name)) return bad("name", "name: \"" + f.name + "\" is not a valid name (letters, digits, '_', '.' and '-')");
  auto src = cfg.sources.find(f.source);
  if (src == cfg.sources.end())
    return bad("source", "source: no source named \"" + f.source + "\" in the config (configured: " + names_of(cfg.sources) + ")");
  if (!cfg.targets.count(f.target))
    return bad("target", "target: no target named \"" + f.target + "\" in the config (configured: " + names_of(cfg.targets) + ")");
  if (auto s = Schedule::parse(f.schedule); !s) return bad("schedule", "schedule: " + s.error().message);
  if (f.transform != "standard" && f.transform != "template")
    return bad("transform", "transform: \"" + f.transform + "\" is not one of standard, template");
  if (f.transform == "template" && !f.template_text) return bad("template", "template: required with transform = \"template\"", "missing_field");
  if (f.transform != "template" && f.template_text) return bad("template", "template: only used with transform = \"template\"");
  if (f.template_text) {
    if (f.template_text->empty()) return bad("template", "template: must not be empty");
    if (auto t = parse_connector_template(*f.template_text); !t) return bad("template", "template: " + t.error().message);
  }
  if (f.overlap)
    if (auto d = parse_duration(*f.overlap); !d) return bad("overlap", "overlap: " + d.error().message);
  if (f.first_range) {
    const auto& r = *f.first_range;
    if (r != "all" && r != "month" && r != "week" && r != "day")
      return bad("first_range", "first_range: \"" + r + "\" is not one of all, month, week, day");
    if (src->second.kind != SourceKind::kMemoryApi)
      return bad("first_range", "first_range: only for memory-api sources (source \"" + f.source + "\" is http-json)");
  }
  // ${VAR} would be expanded from the service's environment when the file is read back.
  for (const auto* s : {&f.source, &f.target, &f.schedule})
    if (s->find('$') != std::string::npos) return bad(s == &f.source ? "source" : s == &f.target ? "target" : "schedule", "'$' is not allowed here");
  return std::nullopt;
}

std::string connector_toml(const ConnectorFields& f) {
  // TOML basic strings escape like JSON (\", \\, \n, \uXXXX), and '$' is doubled so that the
  // config loader's ${VAR} expansion gives back exactly what the client sent.
  auto q = [](const std::string& s) {
    std::string e;
    for (char c : s) e += c == '$' ? std::string("$$") : std::string(1, c);
    return json_quote(e);
  };
  std::string t = "# Written by memconn serve (the API); changed and deleted through it.\n";
  t += "source = " + q(f.source) + "\n";
  t += "target = " + q(f.target) + "\n";
  t += "schedule = " + q(f.schedule) + "\n";
  t += std::string("enabled = ") + (f.enabled ? "true" : "false") + "\n";
  t += "transform = " + q(f.transform) + "\n";
  if (f.template_text) t += "template = " + q(*f.template_text) + "\n";
  if (!f.tags.empty()) {
    t += "tags = [";
    for (size_t i = 0; i < f.tags.size(); ++i) t += (i ? ", " : "") + q(f.tags[i]);
    t += "]\n";
  }
  if (f.context) t += "context = " + q(*f.context) + "\n";
  if (f.overlap) t += "overlap = " + q(*f.overlap) + "\n";
  if (f.first_range) t += "first_range = " + q(*f.first_range) + "\n";
  return t;
}

std::string connector_json(const ConnectorConfig& c) {
  std::string s;
  JsonWriter w(s);
  w.begin_object().key("name").value(c.name).key("source").value(c.source).key("target").value(c.target);
  w.key("schedule").value(c.schedule.text()).key("enabled").value(c.enabled).key("paused").value(c.paused);
  w.key("transform").value(c.transform == TransformKind::kTemplate ? "template" : "standard");
  if (c.transform == TransformKind::kTemplate) w.key("template").value(c.template_text);
  w.key("tags").begin_array();
  for (const auto& t : c.tags) w.value(t);
  w.end_array();
  w.key("context");
  if (c.context) w.value(*c.context);
  else w.null();
  w.key("overlap").value(format_duration(c.overlap)).key("first_range").value(c.first_range);
  // Connectors of the config file are read-only here: the API changes only its own.
  w.key("managed_by").value(c.file.empty() ? "config" : "api");
  w.end_object();
  return s;
}

}  // namespace memconn
