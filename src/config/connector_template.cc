#include "config/connector_template.h"

#include <array>

namespace memconn {

namespace {

constexpr std::array<TemplateField, 20> kFields{{
    {"id", false},          {"transcript", false},        {"text", false},        {"created_at", true},
    {"updated_at", true},   {"type", false},              {"location", false},    {"location_lat", false},
    {"location_lon", false}, {"tags", false},             {"description", false}, {"context_id", false},
    {"collection_name", false}, {"transcript_status", false}, {"audio", false},   {"image", false},
    {"gcs_uri", false},     {"gcs_uri_img", false},       {"source", false},      {"connector", false},
}};

}  // namespace

std::span<const TemplateField> connector_template_fields() { return kFields; }

Result<TextTemplate> parse_connector_template(std::string_view text) { return TextTemplate::parse(text, kFields); }

}  // namespace memconn
