#include "targets/hindsight/inventory.h"

#include <simdjson.h>

#include "net/request.h"

namespace memconn {

namespace {

constexpr int kRetries = 5;

}  // namespace

Error request_error(const std::string& what, const HttpResponse& resp) {
  return Error{what + ": " + error_message(resp), exit_code_for(resp)};
}

Status list_documents(HttpClient& client, const HindsightEndpoint& ep, int page_size,
                      const std::function<void(const RemoteDocument&)>& on_document) {
  simdjson::dom::parser parser;
  // The list is sorted newest first: a document written while we page shifts the rest by
  // one and may be seen twice or not at all. Callers tolerate duplicates; verify runs when
  // writing has finished.
  for (long long offset = 0;;) {
    std::string url = bank_url(ep, "/documents?limit=" + std::to_string(page_size) + "&offset=" + std::to_string(offset));
    auto resp = perform_with_retries(client, {"GET", url, "", {}}, kRetries);
    if (!resp.transport_ok || resp.status != 200) return request_error("cannot list the bank's documents", resp);
    simdjson::dom::element doc;
    simdjson::dom::array items;
    if (parser.parse(resp.body).get(doc) || doc["items"].get_array().get(items))
      return Error{"cannot list the bank's documents: unexpected answer: " + one_line(resp.body, 120), 1};
    size_t n = 0;
    for (auto it : items) {
      ++n;
      RemoteDocument d;
      if (it["id"].get_string().get(d.id)) continue;
      std::string_view h;
      if (!it["content_hash"].get_string().get(h)) d.content_hash = h;
      int64_t units;
      if (!it["memory_unit_count"].get_int64().get(units)) d.memory_unit_count = units;
      on_document(d);
    }
    offset += static_cast<long long>(n);
    int64_t total = -1;
    if (n == 0 || (!doc["total"].get_int64().get(total) && offset >= total)) return ok_status();
  }
}

Result<std::vector<RemoteOperation>> list_open_operations(HttpClient& client, const HindsightEndpoint& ep) {
  std::vector<RemoteOperation> out;
  simdjson::dom::parser parser;
  for (const char* status : {"pending", "processing", "failed"}) {
    for (long long offset = 0;;) {
      std::string url = bank_url(ep, std::string("/operations?status=") + status +
                                         "&exclude_parents=true&limit=100&offset=" + std::to_string(offset));
      auto resp = perform_with_retries(client, {"GET", url, "", {}}, kRetries);
      if (!resp.transport_ok || resp.status != 200) return request_error("cannot list the bank's operations", resp);
      simdjson::dom::element doc;
      simdjson::dom::array ops;
      if (parser.parse(resp.body).get(doc) || doc["operations"].get_array().get(ops))
        return Error{"cannot list the bank's operations: unexpected answer: " + one_line(resp.body, 120), 1};
      size_t n = 0;
      for (auto o : ops) {
        ++n;
        RemoteOperation op;
        std::string_view sv;
        if (o["id"].get_string().get(sv)) continue;
        op.id = sv;
        if (!o["status"].get_string().get(sv)) op.status = sv;
        if (!o["task_type"].get_string().get(sv)) op.task_type = sv;
        if (!o["created_at"].get_string().get(sv)) op.created_at = sv;
        if (!o["error_message"].get_string().get(sv)) op.error = sv;
        int64_t items;
        if (!o["items_count"].get_int64().get(items)) op.items = items;
        // The status filter is the server's; a server that ignores it must not make a
        // completed operation look stuck.
        if (op.status == status) out.push_back(std::move(op));
      }
      offset += static_cast<long long>(n);
      int64_t total = -1;
      if (n == 0 || (!doc["total"].get_int64().get(total) && offset >= total)) break;
    }
  }
  return out;
}

Status reprocess_document(HttpClient& client, const HindsightEndpoint& ep, const std::string& document_id) {
  auto resp = perform_with_retries(client, {"POST", bank_url(ep, "/documents/" + url_escape(document_id) + "/reprocess"), "", {}},
                                   kRetries);
  if (!resp.transport_ok || resp.status / 100 != 2) return request_error("cannot reprocess document " + document_id, resp);
  return ok_status();
}

Status retry_operation(HttpClient& client, const HindsightEndpoint& ep, const std::string& operation_id) {
  auto resp = perform_with_retries(client, {"POST", bank_url(ep, "/operations/" + url_escape(operation_id) + "/retry"), "", {}},
                                   kRetries);
  if (!resp.transport_ok || resp.status / 100 != 2) return request_error("cannot retry operation " + operation_id, resp);
  return ok_status();
}

}  // namespace memconn
