// Replacing an edited memory in LightRAG, which has no update: the stored copy is found by
// its file source, deleted (DELETE /documents/delete_document, by LightRAG's doc id), and
// the new text inserted under the same file source. See lightrag-and-memory-api.md §1.6.
#pragma once
#include <chrono>
#include <functional>
#include <string>

#include "engine/item.h"
#include "net/http_client.h"

namespace memconn {

struct ReplaceResult {
  enum class Kind {
    Replaced,     // the new text is in (the old copy deleted, or already gone)
    Busy,         // LightRAG's pipeline stayed busy (or still deleting) for the whole budget
    Failed,       // refused: message says why
    AuthRefused,
    Unreachable,
  };
  Kind kind = Kind::Failed;
  std::string message;
  bool deleted = false;  // an old copy was deleted on the way
};

struct ReplaceOptions {
  int retries = 3;                           // per request, transport errors and 5xx
  std::chrono::milliseconds budget{30000};   // how long to wait out "busy" and a running deletion
  std::chrono::milliseconds poll{250};
  size_t max_pages = 500;                    // /documents/paginated pages searched without a track id
};

// item: content = the new text, document_id = the file source. before_delete runs once,
// just before the first delete request (the caller saves the pending update there).
// stopping: a signal arrived; waiting ends at once (Busy).
ReplaceResult lightrag_replace(HttpClient& client, const std::string& base_url, const Item& item,
                               const std::function<void()>& before_delete, const std::function<bool()>& stopping,
                               const ReplaceOptions& opt = {});

}  // namespace memconn
