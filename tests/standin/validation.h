// Request validation in the shape FastAPI/pydantic report it (422 {"detail":[{type, loc,
// msg, input}]}), so a client's error path is exercised with realistic bodies. Strict:
// unknown fields are errors, which is how the stand-in catches client bugs.
#pragma once

#include <simdjson.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace standin {

using LocPart = std::variant<std::string, long long>;
using Loc = std::vector<LocPart>;

inline Loc operator/(Loc loc, LocPart part) {
  loc.push_back(std::move(part));
  return loc;
}

class Violations {
 public:
  void add(const Loc& loc, std::string_view type, std::string_view msg);
  void add(const Loc& loc, std::string_view type, std::string_view msg, simdjson::dom::element input);
  bool empty() const { return entries_.empty(); }
  // {"detail":[...]}
  std::string body() const;
  // "body -> query: String should have ..." for the first error (LightRAG's /query/data style).
  std::string first_summary() const { return summaries_.empty() ? std::string() : summaries_.front(); }

 private:
  void record(const Loc& loc, std::string_view msg);

  std::vector<std::string> entries_;
  std::vector<std::string> summaries_;
};

// Readers: on a type mismatch they record the pydantic error and return false.
bool read_string(simdjson::dom::element v, const Loc& loc, Violations& errs, std::string& out);
bool read_bool(simdjson::dom::element v, const Loc& loc, Violations& errs, bool& out);
bool read_int(simdjson::dom::element v, const Loc& loc, Violations& errs, long long& out);
bool read_string_list(simdjson::dom::element v, const Loc& loc, Violations& errs, std::vector<std::string>& out);
// A nested model (pydantic "model_attributes_type" on mismatch).
bool read_model(simdjson::dom::element v, const Loc& loc, Violations& errs, simdjson::dom::object& out);
// A free-form dict field ("dict_type" on mismatch).
bool read_dict(simdjson::dom::element v, const Loc& loc, Violations& errs, simdjson::dom::object& out);
// One of a fixed set of strings ("enum" / "literal_error").
bool read_enum(simdjson::dom::element v, const Loc& loc, Violations& errs, std::initializer_list<std::string_view> allowed,
               std::string& out);
void reject_unknown(simdjson::dom::object obj, const Loc& loc, std::initializer_list<std::string_view> allowed,
                    Violations& errs);
void require(simdjson::dom::object obj, const Loc& loc, std::string_view field, Violations& errs);

// Parses a request body that must be a JSON object; records json_invalid / model type errors.
bool parse_body(simdjson::dom::parser& parser, const std::string& body, Violations& errs, simdjson::dom::object& out);

}  // namespace standin
