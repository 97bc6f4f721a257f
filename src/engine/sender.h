// What the pipeline needs from a target: send some items, say how it went. One instance per
// worker thread (each owns its own keep-alive connection).
#pragma once
#include <string>
#include <vector>

#include "base/http_message.h"
#include "engine/item.h"
#include "base/retry_policy.h"

namespace memconn {

struct SendResult {
  Outcome outcome = Outcome::Retryable;
  HttpResponse http;
  bool already_present = false;  // the target already had these items (LightRAG "duplicated")
  std::string message;           // server's error text, one line
  std::string operation_id;      // async operation the target created or confirmed
  std::string request;           // "POST /path" for -v logs (never the host or credentials)
};

class BatchSender {
 public:
  virtual ~BatchSender() = default;
  // operation_id is stable across retries of the same item list (async idempotency).
  virtual SendResult send(const std::vector<const Item*>& items, const std::string& operation_id) = 0;
  // True if operation ids are meaningful (async mode): the pipeline mints one per item list.
  virtual bool wants_operation_ids() const { return false; }
};

}  // namespace memconn
