// A source record as an Item for the connector's target. Identity is stable across runs
// (memory_<ctx>_<id>), so a re-send after a crash is an upsert on Hindsight and "already
// present" on LightRAG, never a second copy.
#pragma once
#include <string>

#include "config/config.h"
#include "targets/target.h"
#include "engine/item.h"
#include "sources/source.h"
#include "sources/transform.h"

namespace memconn {

// memory-api: "memory_<context>_<id>"; http-json: "<source name>_<id>".
std::string record_document_id(const SourceConfig& src, const SourceRecord& r);
// The record as the target receives it: content, the target's key for the record's document
// id, and for targets that keep them the timestamp (created_at), the connector's tags plus the
// record's, the connector's context and the structured fields as string metadata; item.json
// as target.encode() makes it (the shape a dead letter keeps to be re-sent).
Item make_connector_item(const Target& target, const RenderContext& ctx, const SourceRecord& r);

}  // namespace memconn
