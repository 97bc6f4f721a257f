// What text a source record becomes: the "standard" layout ([K-b] Phase 1 mapping, spec
// §2.5) or a user template with named placeholders. The text is the only thing LightRAG
// keeps, so the standard layout carries the date, media and location inside it.
#pragma once
#include <span>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/connector_template.h"
#include "sources/source.h"
#include "base/text_template.h"

namespace memconn {

// [Memory <id> from 2024-01-19 07:28:08 UTC]  (" from ..." when the record has a time)
// <transcript>
// [Audio recording available, Image attachment available]   (when a flag is set)
// [Location: 48.1351, 11.5820]               (when both coordinates are present, not 0,0)
std::string standard_text(const SourceRecord& r);

// Everything a record needs besides itself to be rendered.
struct RenderContext {
  const ConnectorConfig* connector = nullptr;
  const SourceConfig* source = nullptr;
  const TextTemplate* tmpl = nullptr;  // set iff connector->transform == kTemplate
};
std::string render_text(const RenderContext& ctx, const SourceRecord& r);

// True when the record has coordinates worth printing (0,0 is what a phone without a fix
// reports, not a place).
bool has_location(const SourceRecord& r);
// "48.1351, 11.5820"
std::string location_text(const SourceRecord& r);

}  // namespace memconn
