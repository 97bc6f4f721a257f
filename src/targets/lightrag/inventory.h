// What a LightRAG server holds, read page by page for `memconn verify --connector`:
// POST /documents/paginated (page_size 10-200, oldest first by id so that paging is stable
// while the server works), plus the one repair call it offers, /documents/reprocess_failed.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "net/http_client.h"

namespace memconn {

struct LightragDocument {
  std::string_view id, file_path, status, created_at, error, track_id;  // status lower-cased
  long long content_length = -1;  // -1 when the server gave none
};

// Pages through every document; a page that cannot be read is an Error (69 unreachable or
// 5xx, 4 refused key, 1 otherwise; 0260's 500 for a document stored without file_path is
// named as such). The views live during the call.
Status list_lightrag_documents(HttpClient& client, const std::string& base_url, int page_size,
                               const std::function<void(const LightragDocument&)>& on_document);
// POST /documents/reprocess_failed: LightRAG indexes its failed (and stuck) documents again.
Status lightrag_reprocess_failed(HttpClient& client, const std::string& base_url);

// The content_length LightRAG will report for a text it was sent: code points after its
// sanitize step (strip, control characters dropped). nullopt when that cannot be predicted
// without reimplementing Python: the text may hold an HTML entity ('&': html.unescape
// shortens it), a control character or U+FFFE/U+FFFF, or begins or ends with a non-ASCII
// character (str.strip knows Unicode spaces).
std::optional<size_t> lightrag_expected_length(std::string_view text);

// Keeps a page size inside what the server accepts (10..200).
int lightrag_page_size(int requested);

}  // namespace memconn
