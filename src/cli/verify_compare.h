// Folds a target's listing into the expected documents and the report: which are present,
// stale, empty, failed or still in the target's pipeline, and which listed ones nobody
// expected; then names them and asks Hindsight for its own repairs. Shared by the path
// verify and verify --connector.
#pragma once
#include <string>

#include "cli/verify_report.h"
#include "base/diagnostics.h"
#include "ingest/expected_documents.h"
#include "net/http_client.h"
#include "targets/hindsight.h"

namespace memconn {

// Hindsight: the bank's documents (content hash, memory units) and its unfinished or
// failed operations.
Status compare_hindsight_bank(HttpClient& client, const HindsightEndpoint& ep, int page_size, int list_limit,
                              Diagnostics& console, ExpectedDocuments& expected, VerifyReport& r);

// LightRAG: every document by its file_path (the connector's document id). processed is
// present (content_length checked where it can be predicted, see lightrag_expected_length),
// failed and pending/processing/preprocessed are present but reported as failed or open.
Status compare_lightrag_documents(HttpClient& client, const std::string& base_url, int page_size, int list_limit,
                                  Diagnostics& console, ExpectedDocuments& expected, VerifyReport& r);

// The naming pass, once per expected document (later repeats of an id are ignored): puts it
// in the report's missing/stale/empty lists (up to list_limit). With a repair client, a
// Hindsight document without memory units is sent for reprocessing.
void name_document(const Named& doc, ExpectedDocuments& expected, VerifyReport& r, int list_limit,
                   HttpClient* repair_client, const HindsightEndpoint& ep, Diagnostics& console);
// --repair on Hindsight: retries every failed operation of the report.
void retry_failed_operations(HttpClient& client, const HindsightEndpoint& ep, VerifyReport& r, Diagnostics& console);

// The content "hash" stored for a LightRAG document: its expected content_length.
Sha256 lightrag_length_key(size_t content_length);

}  // namespace memconn
