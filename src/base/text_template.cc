#include "base/text_template.h"

#include <algorithm>

#include "base/exit_codes.h"

namespace memconn {

namespace {

// Conversions glibc's strftime documents; anything else is almost certainly a typo that
// would otherwise print verbatim into every document.
bool valid_strftime(std::string_view f, std::string& why) {
  static constexpr std::string_view kConversions = "aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ+%";
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') continue;
    if (++i >= f.size()) {
      why = "date format ends with a lone '%'";
      return false;
    }
    if (f[i] == 'E' || f[i] == 'O') {  // locale modifiers: %Ey, %OH
      if (++i >= f.size()) {
        why = "date format ends with a lone '%" + std::string(1, f[i - 1]) + "'";
        return false;
      }
    }
    if (kConversions.find(f[i]) == std::string_view::npos) {
      why = "unknown date conversion '%" + std::string(1, f[i]) + "'";
      return false;
    }
  }
  return true;
}

std::string known_list(std::span<const TemplateField> known) {
  std::string s;
  for (const auto& k : known) s += (s.empty() ? "" : " ") + std::string("{") + std::string(k.name) + "}";
  return s;
}

}  // namespace

Result<TextTemplate> TextTemplate::parse(std::string_view text, std::span<const TemplateField> known) {
  return parse_impl(text, known, false);
}

Result<TextTemplate> TextTemplate::parse_open(std::string_view text) { return parse_impl(text, {}, true); }

Result<TextTemplate> TextTemplate::parse_impl(std::string_view text, std::span<const TemplateField> known, bool open) {
  auto fail = [](std::string m) { return Error{std::move(m), exit_code::kConfig}; };
  TextTemplate t;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) t.segments_.push_back(Segment{std::move(literal), "", "", false});
    literal.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal += '}';
        ++i;
        continue;
      }
      return fail("single '}' at offset " + std::to_string(i) + " (write \"}}\" for a literal brace)");
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      ++i;
      continue;
    }
    size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos)
      return fail("unclosed '{' at offset " + std::to_string(i) + " (write \"{{\" for a literal brace)");
    std::string_view body = text.substr(i + 1, close - i - 1);
    std::string_view name = body, format;
    bool has_format = false;
    if (auto colon = body.find(':'); colon != std::string_view::npos) {
      name = body.substr(0, colon);
      format = body.substr(colon + 1);
      has_format = true;
    }
    if (open && name.empty()) return fail("empty placeholder {} at offset " + std::to_string(i));
    auto it = std::find_if(known.begin(), known.end(), [&](const TemplateField& k) { return k.name == name; });
    if (it == known.end() && !open)
      return fail("unknown placeholder {" + std::string(name) + "} (known: " + known_list(known) + ")");
    bool is_time = it != known.end() && it->is_time;
    if (has_format) {
      if (!is_time) return fail("placeholder {" + std::string(body) + "}: only time fields take a date format");
      if (format.empty()) return fail("placeholder {" + std::string(body) + "}: empty date format");
      std::string why;
      if (!valid_strftime(format, why)) return fail("placeholder {" + std::string(body) + "}: " + why);
    }
    flush();
    t.segments_.push_back(Segment{"", std::string(name), std::string(format), is_time});
    i = close;
  }
  flush();
  return t;
}

std::string TextTemplate::render(const Values& v) const {
  std::string out;
  for (const auto& s : segments_) {
    if (s.field.empty()) {
      out += s.literal;
    } else if (s.is_time) {
      if (auto t = v.time(s.field)) out += s.format.empty() ? format_iso8601(*t) : format_utc(*t, s.format.c_str());
    } else {
      out += v.text(s.field);
    }
  }
  return out;
}

std::vector<std::string> TextTemplate::fields() const {
  std::vector<std::string> out;
  for (const auto& s : segments_)
    if (!s.field.empty()) out.push_back(s.field);
  return out;
}

}  // namespace memconn
