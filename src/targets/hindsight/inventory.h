// What a Hindsight bank holds, read page by page for `memconn verify`: its documents
// (GET …/documents, id + content_hash + memory_unit_count) and its operations that are not
// finished or that failed (GET …/operations?status=…). Plus the two repair calls the server
// offers: reprocess a document, retry a failed operation.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "net/http_client.h"
#include "targets/hindsight/api.h"

namespace memconn {

struct RemoteDocument {
  std::string_view id;
  std::string_view content_hash;  // empty when the server gave none
  long long memory_unit_count = -1;  // -1 when the server gave none
};

struct RemoteOperation {
  std::string id, status, task_type, created_at, error;
  long long items = 0;
};

// Pages through every document of the bank; a page that cannot be read is an Error
// (exit 69 for transport/5xx, 4 for 401/403, 1 otherwise). The views live during the call.
Status list_documents(HttpClient& client, const HindsightEndpoint& ep, int page_size,
                      const std::function<void(const RemoteDocument&)>& on_document);
// Operations in status pending, processing or failed (child operations, not parents).
Result<std::vector<RemoteOperation>> list_open_operations(HttpClient& client, const HindsightEndpoint& ep);
// POST …/documents/{id}/reprocess and POST …/operations/{id}/retry.
Status reprocess_document(HttpClient& client, const HindsightEndpoint& ep, const std::string& document_id);
Status retry_operation(HttpClient& client, const HindsightEndpoint& ep, const std::string& operation_id);
// An Error carrying the documented exit code for a failed request (4 auth, 69 unreachable).
Error request_error(const std::string& what, const HttpResponse& resp);

}  // namespace memconn
