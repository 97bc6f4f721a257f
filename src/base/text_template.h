// Named-placeholder text templates: "{transcript}", "{created_at:%Y-%m-%d}", "{{" and "}}"
// for literal braces. Parsing is separate from rendering so a config file's template is
// checked (unknown placeholder, bad date format) when the config loads, not at 3 a.m.
#pragma once
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/iso_time.h"
#include "base/result.h"

namespace memconn {

struct TemplateField {
  std::string_view name;
  bool is_time = false;  // only time fields take a ":<strftime format>"
};

class TextTemplate {
 public:
  // Errors (exit_code::kConfig) name the problem and the placeholder, without file:line;
  // the caller adds the location: `unknown placeholder {trancript} (known: ...)`.
  static Result<TextTemplate> parse(std::string_view text, std::span<const TemplateField> known);
  // Any placeholder name is accepted (the caller resolves names, e.g. as paths into a JSON
  // record) and none is a time field.
  static Result<TextTemplate> parse_open(std::string_view text);

  // Values of one record. text(name) for plain fields; time(name) for time fields, which
  // render as ISO-8601 UTC without a format and via strftime (UTC) with one; an absent time
  // renders as "".
  struct Values {
    std::function<std::string(std::string_view name)> text;
    std::function<std::optional<SysTime>(std::string_view name)> time;
  };
  std::string render(const Values& v) const;

  // Placeholder names in order of appearance (a name may repeat).
  std::vector<std::string> fields() const;

 private:
  struct Segment {
    std::string literal;  // used when field is empty
    std::string field;
    std::string format;   // strftime format for time fields; "" = ISO-8601
    bool is_time = false;
  };
  static Result<TextTemplate> parse_impl(std::string_view text, std::span<const TemplateField> known, bool open);
  std::vector<Segment> segments_;
};

}  // namespace memconn
