#include "sources/transform.h"

#include <cstdio>

namespace memconn {

namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool has_location(const SourceRecord& r) { return r.lat && r.lon && !(*r.lat == 0 && *r.lon == 0); }

std::string location_text(const SourceRecord& r) { return fixed(*r.lat, 4) + ", " + fixed(*r.lon, 4); }

std::string standard_text(const SourceRecord& r) {
  std::string out;
  // The id makes each memory its own document: LightRAG keeps one document per distinct
  // text, so two memories with the same transcript would otherwise fold into one.
  out += "[Memory " + r.id;
  if (r.time) out += " from " + format_utc(*r.time, "%Y-%m-%d %H:%M:%S") + " UTC";
  out += "]\n";
  out += trim(r.text);
  if (r.audio || r.image) {
    out += "\n[";
    if (r.audio) out += "Audio recording available";
    if (r.audio && r.image) out += ", ";
    if (r.image) out += "Image attachment available";
    out += "]";
  }
  if (has_location(r)) out += "\n[Location: " + location_text(r) + "]";
  return out;
}

std::string render_text(const RenderContext& ctx, const SourceRecord& r) {
  if (!ctx.tmpl) return standard_text(r);
  TextTemplate::Values v;
  v.text = [&](std::string_view name) -> std::string {
    if (name == "id") return r.id;
    // Trimmed as in the standard transform: a phone's padding is not part of the memory.
    if (name == "transcript" || name == "text") return std::string(trim(r.text));
    if (name == "type") return r.type;
    if (name == "location") return has_location(r) ? location_text(r) : "";
    if (name == "location_lat") return r.lat ? fixed(*r.lat, 6) : "";
    if (name == "location_lon") return r.lon ? fixed(*r.lon, 6) : "";
    if (name == "tags") {
      std::string s;
      for (const auto& t : r.tags) s += (s.empty() ? "" : ", ") + t;
      return s;
    }
    if (name == "description") return r.description;
    if (name == "context_id") return !r.context_id.empty() ? r.context_id : ctx.source ? ctx.source->context : "";
    if (name == "collection_name") return r.collection_name;
    if (name == "transcript_status") return r.transcript_status;
    if (name == "audio") return r.audio ? "true" : "false";
    if (name == "image") return r.image ? "true" : "false";
    if (name == "gcs_uri") return r.gcs_uri;
    if (name == "gcs_uri_img") return r.gcs_uri_img;
    if (name == "source") return ctx.source ? ctx.source->name : "";
    if (name == "connector") return ctx.connector ? ctx.connector->name : "";
    return "";
  };
  v.time = [&](std::string_view name) -> std::optional<SysTime> {
    if (name == "created_at") return r.time;
    if (name == "updated_at") return parse_iso8601(r.updated_at);
    return std::nullopt;
  };
  return ctx.tmpl->render(v);
}

}  // namespace memconn
