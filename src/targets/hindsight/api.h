// The Hindsight HTTP API as memconn speaks it (../shared/specs/hindsight.md): URLs, request
// bodies, response interpretation. Everything here is pure except HindsightSender.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "base/digest.h"
#include "engine/sender.h"

namespace simdjson::dom {
class parser;
}

namespace memconn {

struct HindsightEndpoint {
  std::string base_url;  // e.g. http://localhost:8888 (no trailing slash needed)
  std::string bank;
};

std::string bank_url(const HindsightEndpoint& ep, const std::string& suffix);
std::string retain_body(const std::vector<const Item*>& items, bool async, const std::string& operation_id);
void append_retain_body(std::string& out, const std::vector<const Item*>& items, bool async, const std::string& operation_id);
// The content_hash Hindsight stores for a document's text: SHA-256 after the server strips
// control characters other than tab, newline and carriage return (sanitize_text).
Sha256 hindsight_content_hash(std::string_view content);
// "Authorization: Bearer <key>" or nothing.
std::vector<std::string> hindsight_auth_headers(const std::string& api_key);

class HindsightSender : public BatchSender {
 public:
  HindsightSender(HindsightEndpoint ep, bool async, HttpOptions options, CurlShare* share,
                  const std::atomic<bool>* abort_flag);
  ~HindsightSender() override;
  SendResult send(const std::vector<const Item*>& items, const std::string& operation_id) override;
  bool wants_operation_ids() const override { return async_; }
  HttpClient& client() { return client_; }

 private:
  HindsightEndpoint ep_;
  std::string url_;
  bool async_;
  HttpClient client_;
  std::unique_ptr<simdjson::dom::parser> parser_;  // reused: one allocation per worker, not per ack
  HttpRequest req_;            // reused: the body buffer keeps its capacity between batches
  std::string request_line_;   // "POST /path" for -v logs
};

struct OperationStatus {
  std::string status;  // pending|processing|completed|failed|cancelled|not_found
  std::string error;
  long processed = -1, total = -1;
};
bool parse_operation_status(const std::string& body, OperationStatus& out);
inline bool is_terminal(const std::string& s) {
  return s == "completed" || s == "failed" || s == "cancelled" || s == "not_found";
}

}  // namespace memconn
