// The placeholders a connector's `template` may use. They are part of the config file's
// contract (docs/connectors.md), so a mistake is a file:line error when the config loads;
// sources/transform.h fills them from a record.
#pragma once
#include <span>
#include <string_view>

#include "base/result.h"
#include "base/text_template.h"

namespace memconn {

// {id} {transcript} {text} {created_at} {updated_at} {type} {location} {location_lat}
// {location_lon} {tags} {description} {context_id} {collection_name} {transcript_status}
// {audio} {image} {gcs_uri} {gcs_uri_img} {source} {connector}; created_at and updated_at
// take a strftime format: {created_at:%Y-%m-%d}.
std::span<const TemplateField> connector_template_fields();
// Config-time check and parse of a connector template (errors name the placeholder).
Result<TextTemplate> parse_connector_template(std::string_view text);

}  // namespace memconn
