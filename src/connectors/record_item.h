// A source record as an Item for the connector's target. Identity is stable across runs
// (memory_<ctx>_<id>), so a re-send after a crash is an upsert on Hindsight and "already
// present" on LightRAG, never a second copy.
#pragma once
#include <string>

#include "config/config.h"
#include "engine/item.h"
#include "sources/source.h"
#include "sources/transform.h"

namespace memconn {

// memory-api: "memory_<context>_<id>"; http-json: "<source name>_<id>".
std::string record_document_id(const SourceConfig& src, const SourceRecord& r);
// LightRAG's file_source: the document id with every byte outside [A-Za-z0-9._-]
// percent-encoded (unique, slash-free, unchanged by 1.5.x's basename normalization) + ".txt".
std::string lightrag_file_source(const std::string& document_id);

// Hindsight: a MemoryItem with document_id, timestamp (created_at), the connector's tags
// plus the record's, the connector's context, and the structured fields as string
// metadata. LightRAG: content + file_source only; Item::json is {"text","file_source"}, the
// shape a dead letter must keep to be re-sent.
Item make_connector_item(TargetKind kind, const RenderContext& ctx, const SourceRecord& r);

}  // namespace memconn
