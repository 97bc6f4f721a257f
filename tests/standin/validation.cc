#include "validation.h"

#include "json_out.h"

namespace standin {
namespace {

using simdjson::dom::element_type;

void write_loc(JsonOut& j, const Loc& loc) {
  j.key("loc").begin_array();
  for (const auto& p : loc) {
    if (const auto* s = std::get_if<std::string>(&p)) j.value(*s);
    else j.value(std::get<long long>(p));
  }
  j.end_array();
}

std::string quoted_list(std::initializer_list<std::string_view> allowed) {
  std::string out;
  size_t i = 0;
  for (auto a : allowed) {
    if (i > 0) out += (i + 1 == allowed.size()) ? " or " : ", ";
    out += "'" + std::string(a) + "'";
    ++i;
  }
  return out;
}

}  // namespace

void Violations::record(const Loc& loc, std::string_view msg) {
  std::string text;
  for (const auto& p : loc) {
    if (!text.empty()) text += " -> ";
    if (const auto* s = std::get_if<std::string>(&p)) text += *s;
    else text += std::to_string(std::get<long long>(p));
  }
  summaries_.push_back(text + ": " + std::string(msg));
}

void Violations::add(const Loc& loc, std::string_view type, std::string_view msg) {
  record(loc, msg);
  JsonOut j;
  j.begin_object().field("type", type);
  write_loc(j, loc);
  j.field("msg", msg).end_object();
  entries_.push_back(j.take());
}

void Violations::add(const Loc& loc, std::string_view type, std::string_view msg, simdjson::dom::element input) {
  record(loc, msg);
  JsonOut j;
  j.begin_object().field("type", type);
  write_loc(j, loc);
  j.field("msg", msg);
  j.key("input").raw(simdjson::minify(input));
  j.end_object();
  entries_.push_back(j.take());
}

std::string Violations::body() const {
  std::string out = "{\"detail\":[";
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (i) out.push_back(',');
    out += entries_[i];
  }
  out += "]}";
  return out;
}

bool read_string(simdjson::dom::element v, const Loc& loc, Violations& errs, std::string& out) {
  std::string_view s;
  if (v.get_string().get(s)) {
    errs.add(loc, "string_type", "Input should be a valid string", v);
    return false;
  }
  out.assign(s);
  return true;
}

bool read_bool(simdjson::dom::element v, const Loc& loc, Violations& errs, bool& out) {
  if (v.get_bool().get(out)) {
    errs.add(loc, "bool_type", "Input should be a valid boolean", v);
    return false;
  }
  return true;
}

bool read_int(simdjson::dom::element v, const Loc& loc, Violations& errs, long long& out) {
  int64_t i;
  if (v.get_int64().get(i)) {
    errs.add(loc, "int_type", "Input should be a valid integer", v);
    return false;
  }
  out = i;
  return true;
}

bool read_string_list(simdjson::dom::element v, const Loc& loc, Violations& errs, std::vector<std::string>& out) {
  simdjson::dom::array arr;
  if (v.get_array().get(arr)) {
    errs.add(loc, "list_type", "Input should be a valid list", v);
    return false;
  }
  bool ok = true;
  long long i = 0;
  for (auto item : arr) {
    std::string s;
    if (read_string(item, loc / i, errs, s)) out.push_back(std::move(s));
    else ok = false;
    ++i;
  }
  return ok;
}

bool read_model(simdjson::dom::element v, const Loc& loc, Violations& errs, simdjson::dom::object& out) {
  if (v.get_object().get(out)) {
    errs.add(loc, "model_attributes_type", "Input should be a valid dictionary or object to extract fields from", v);
    return false;
  }
  return true;
}

bool read_dict(simdjson::dom::element v, const Loc& loc, Violations& errs, simdjson::dom::object& out) {
  if (v.get_object().get(out)) {
    errs.add(loc, "dict_type", "Input should be a valid dictionary", v);
    return false;
  }
  return true;
}

bool read_enum(simdjson::dom::element v, const Loc& loc, Violations& errs, std::initializer_list<std::string_view> allowed,
               std::string& out) {
  std::string_view s;
  if (!v.get_string().get(s)) {
    for (auto a : allowed)
      if (a == s) {
        out.assign(s);
        return true;
      }
  }
  errs.add(loc, "literal_error", "Input should be " + quoted_list(allowed), v);
  return false;
}

void reject_unknown(simdjson::dom::object obj, const Loc& loc, std::initializer_list<std::string_view> allowed,
                    Violations& errs) {
  for (auto [key, value] : obj) {
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (!known) errs.add(loc / std::string(key), "extra_forbidden", "Extra inputs are not permitted", value);
  }
}

void require(simdjson::dom::object obj, const Loc& loc, std::string_view field, Violations& errs) {
  simdjson::dom::element v;
  if (obj.at_key(field).get(v)) errs.add(loc / std::string(field), "missing", "Field required");
}

bool parse_body(simdjson::dom::parser& parser, const std::string& body, Violations& errs, simdjson::dom::object& out) {
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc)) {
    errs.add(Loc{std::string("body"), 0LL}, "json_invalid", "JSON decode error");
    return false;
  }
  if (doc.get_object().get(out)) {
    errs.add(Loc{std::string("body")}, "model_attributes_type",
             "Input should be a valid dictionary or object to extract fields from", doc);
    return false;
  }
  return true;
}

}  // namespace standin
