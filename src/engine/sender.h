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

// Whether one append part is already in its document, asked after an attempt whose
// acknowledgement was lost.
enum class PartState {
  NotLanded,    // the document is as it was before the part: send it
  Landed,       // the first `landed` items of the part are there: sending them again would double them
  // All of the part is there and the document goes on past it: an interrupted run sent later
  // parts too (it batched them otherwise), so the document's next part must be checked as well.
  LandedAndMore,
  Changed,      // neither: someone else changed the document; sending could double text
  Unreachable,  // could not ask; ask again later
};

class BatchSender {
 public:
  virtual ~BatchSender() = default;
  // operation_id is stable across retries of the same item list (async idempotency).
  virtual SendResult send(const std::vector<const Item*>& items, const std::string& operation_id) = 0;
  // True if operation ids are meaningful (async mode): the pipeline mints one per item list.
  virtual bool wants_operation_ids() const { return false; }
  // parts: the items of one document in one request, in order, the first an append.
  // Targets without appends never see one.
  virtual PartState part_state(const std::vector<const Item*>& parts, size_t& landed, std::string& detail) {
    (void)parts;
    (void)landed;
    (void)detail;
    return PartState::NotLanded;
  }
};

}  // namespace memconn
