#include "ingest/field_map.h"

#include "base/exit_codes.h"

namespace memconn {

namespace {
constexpr const char* kNames[kMemoryFields] = {"content", "document_id", "context", "timestamp", "tags", "metadata"};
}

const char* field_name(MemoryField f) { return kNames[static_cast<int>(f)]; }

bool FieldMap::empty() const {
  for (const auto& p : paths)
    if (p) return false;
  return !content_template;
}

FieldPath split_path(const std::string& dotted) {
  FieldPath p{dotted, {}};
  size_t start = 0;
  for (;;) {
    size_t dot = dotted.find('.', start);
    p.segments.push_back(dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return p;
}

Result<FieldMap> parse_field_map(const std::vector<std::string>& specs, const std::string& content_template) {
  auto usage = [](std::string m) { return Error{std::move(m), exit_code::kUsage}; };
  FieldMap m;
  for (const auto& spec : specs) {
    auto eq = spec.find('=');
    if (eq == std::string::npos) return usage("--map \"" + spec + "\": expected FIELD=PATH, e.g. content=message.body");
    std::string target = spec.substr(0, eq), path = spec.substr(eq + 1);
    int index = -1;
    for (int i = 0; i < kMemoryFields; ++i)
      if (target == kNames[i]) index = i;
    if (index < 0)
      return usage("--map \"" + spec + "\": unknown field \"" + target +
                   "\" (known: content, document_id, context, timestamp, tags, metadata)");
    if (m.paths[index]) return usage("--map: \"" + target + "\" is mapped twice");
    FieldPath p = split_path(path);
    for (const auto& seg : p.segments)
      if (seg.empty()) return usage("--map \"" + spec + "\": the path has an empty part");
    m.paths[index] = std::move(p);
  }
  if (!content_template.empty()) {
    auto t = TextTemplate::parse_open(content_template);
    if (!t) return usage("--template: " + t.error().message);
    for (const auto& f : t->fields())
      for (const auto& seg : split_path(f).segments)
        if (seg.empty()) return usage("--template: placeholder {" + f + "} has an empty path part");
    m.content_template = std::make_shared<const TextTemplate>(std::move(*t));
    m.template_text = content_template;
  }
  return m;
}

}  // namespace memconn
