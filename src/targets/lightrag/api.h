// The LightRAG server API as memconn speaks it (../shared/specs/lightrag-and-memory-api.md
// part 1): batch text inserts, their duplicate semantics in API 0260 and in the newer 1.5.x
// line, /health, and document tracking. Everything here is pure except LightragSender.
#pragma once
#include <atomic>
#include <set>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_client.h"
#include "engine/sender.h"

namespace memconn {

// "X-API-Key: <key>", or nothing for an open server.
std::vector<std::string> lightrag_auth_headers(const std::string& api_key);
std::string lightrag_url(const std::string& base, const std::string& path);
// ASCII lower case: LightRAG's statuses and messages are compared case-insensitively (its
// docs show uppercase statuses, its servers send lowercase).
std::string ascii_lower(std::string_view s);

// LightRAG's file_source: the document id with every byte outside [A-Za-z0-9._-]
// percent-encoded (unique, slash-free, unchanged by 1.5.x's basename normalization) + ".txt".
std::string lightrag_file_source(const std::string& document_id);

// {"texts":[...],"file_sources":[...]} from items whose content is the text and whose
// document_id is the file_source (see make_connector_item).
std::string lightrag_texts_body(const std::vector<const Item*>& items);

// What /health says about the server. Unknown until probed: both dialects are honoured.
struct LightragInfo {
  std::string api_version;   // "0260"; a trailing warning sign is dropped
  std::string core_version;  // "1.4.9.9"
  bool newer = false;        // the 1.5.x line: duplicates are 409, limits answer 413/429
};
bool parse_lightrag_health(std::string_view body, LightragInfo& out);

// How one POST /documents/texts went, for n items:
//  200 success                 -> Success, operation_id = track_id (for --wait)
//  200 duplicated, n == 1      -> Success, already_present
//  duplicated "(Status: failed)" -> ItemError: stored but not indexed is not present
//  200 duplicated, n > 1       -> ItemError: 0260 rejected the whole batch for one
//                                 duplicate, so the pipeline bisects down to single items
//  409 "already contains"      -> as duplicated (newer servers)
//  409 otherwise               -> Retryable (newer servers: a scan or delete is running)
//  200 failure                 -> ItemError with the server's message
//  200 other / not JSON        -> Retryable (a proxy page is not an acknowledgement)
//  401/403 -> AuthError; 413 -> ItemError (the pipeline splits); 429/5xx -> Retryable
SendResult classify_lightrag_insert(const HttpResponse& resp, size_t n_items);

class LightragSender : public BatchSender {
 public:
  LightragSender(std::string base_url, HttpOptions options, CurlShare* share, const std::atomic<bool>* abort_flag);
  SendResult send(const std::vector<const Item*>& items, const std::string& operation_id) override;

 private:
  std::string base_, url_;
  HttpClient client_;
  const std::atomic<bool>* abort_;  // set by the run on a second signal; read only
  // The document writes of the list last sent that are in already (one worker's own state).
  std::vector<const Item*> replaced_for_;
  std::set<std::pair<const Item*, size_t>> replaced_;
};

// GET /documents/track_status/{id}: the documents an insert created and their states.
struct TrackedDoc {
  std::string id, file_path, status, error;  // status lower-cased
};
bool parse_track_status(std::string_view body, std::vector<TrackedDoc>& out);
// processed and failed are final; everything else (pending, processing, preprocessed, and
// the newer line's parsing/analyzing...) is still moving.
inline bool is_final_doc_status(const std::string& s) { return s == "processed" || s == "failed"; }

}  // namespace memconn
