#include "connectors/record_item.h"

#include <algorithm>

#include "base/digest.h"
#include "base/json_writer.h"

namespace memconn {

std::string record_document_id(const SourceConfig& src, const SourceRecord& r) {
  if (src.kind == SourceKind::kMemoryApi) return "memory_" + src.context + "_" + r.id;
  return src.name + "_" + r.id;
}

namespace {

void add_meta(Item& it, const char* key, const std::string& value) {
  if (!value.empty()) it.metadata.emplace_back(key, value);
}

}  // namespace

Item make_connector_item(const Target& target, const RenderContext& ctx, const SourceRecord& r) {
  Item it;
  it.content = repair_utf8(render_text(ctx, r));
  it.document_id = target.document_key(record_document_id(*ctx.source, r));
  if (r.time) it.timestamp = format_iso8601(*r.time);
  if (ctx.connector->context) it.context = *ctx.connector->context;
  for (const auto& t : ctx.connector->tags) it.tags.push_back(t);
  for (const auto& t : r.tags)
    if (std::find(it.tags.begin(), it.tags.end(), t) == it.tags.end()) it.tags.push_back(t);
  bool memory = ctx.source->kind == SourceKind::kMemoryApi;
  add_meta(it, "memory_id", r.id);
  add_meta(it, "memory_type", r.type);
  add_meta(it, "created_at", r.time ? format_iso8601(*r.time) : r.created_at);
  add_meta(it, "updated_at", r.updated_at);
  add_meta(it, "context_id", !r.context_id.empty() ? r.context_id : ctx.source->context);
  if (memory) {
    add_meta(it, "has_audio", r.audio ? "true" : "false");
    add_meta(it, "has_image", r.image ? "true" : "false");
  }
  if (has_location(r)) add_meta(it, "location", location_text(r));
  add_meta(it, "collection_name", r.collection_name);
  add_meta(it, "transcript_status", r.transcript_status);
  add_meta(it, "description", r.description);
  add_meta(it, "gcs_uri", r.gcs_uri);
  add_meta(it, "gcs_uri_img", r.gcs_uri_img);
  add_meta(it, "source", ctx.source->name);
  add_meta(it, "connector", ctx.connector->name);
  target.encode(it);
  it.fingerprint = fingerprint64(sha256(it.document_id));
  return it;
}

}  // namespace memconn
