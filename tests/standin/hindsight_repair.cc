// The two repair calls of the Hindsight API that `memconn verify --repair` uses:
// POST …/operations/{id}/retry re-queues a failed operation; POST …/documents/{id}/reprocess
// extracts a document's memories again (here: an empty document gets its memory unit).
#include "hindsight.h"
#include "http_reply.h"
#include "ids.h"

namespace standin::hindsight {

RetainResult Store::retry_operation(const std::string& bank_id, const std::string& op_id, const Knobs& k) {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  settle_locked(now);
  std::vector<ChildOp*> failed;
  auto parent = ops_.find(op_id);
  if (parent != ops_.end() && parent->second.bank_id == bank_id) {
    for (const auto& cid : parent->second.children)
      if (auto& c = children_.at(cid); c.applied && c.error) failed.push_back(&c);
  } else if (auto c = children_.find(op_id); c != children_.end() && ops_.at(c->second.parent_id).bank_id == bank_id) {
    if (c->second.applied && c->second.error) failed.push_back(&c->second);
  } else {
    JsonOut j;
    j.begin_object().field("detail", "Operation '" + op_id + "' not found").end_object();
    return {404, j.take()};
  }
  if (failed.empty()) {
    JsonOut j;
    j.begin_object().field("detail", "Operation '" + op_id + "' is not in failed state").end_object();
    return {409, j.take()};
  }
  // The failure was transient: the retried work succeeds.
  for (ChildOp* c : failed) {
    c->error.reset();
    c->applied = false;
    c->start = now;
    c->done = now + std::chrono::milliseconds(k.op_ms);
    due_.emplace(c->done, c->id);
  }
  JsonOut j;
  j.begin_object().field("success", true).field("message", "Operation queued for retry").field("operation_id", op_id);
  j.end_object();
  return {200, j.take()};
}

RetainResult Store::reprocess_document(const std::string& bank_id, const std::string& doc_id) {
  std::lock_guard lock(mu_);
  settle_locked(std::chrono::system_clock::now());
  auto b = banks_.find(bank_id);
  Document* d = nullptr;
  if (b != banks_.end())
    if (auto it = b->second.docs.find(doc_id); it != b->second.docs.end()) d = &it->second;
  if (!d) {
    JsonOut j;
    j.begin_object().field("detail", "Document not found").end_object();
    return {404, j.take()};
  }
  d->empty = false;
  d->memory_id = new_uuid();
  d->updated_at = std::chrono::system_clock::now();
  JsonOut j;
  j.begin_object().field("success", true).field("operation_id", new_uuid()).field("items_count", 1).end_object();
  return {200, j.take()};
}

void HindsightBackend::register_repair_routes(ApiServer& api) {
  const std::string bank = "/v1/default/banks/([^/]+)";
  api.route("POST", bank + "/operations/([^/]+)/retry", [this](const httplib::Request& req, httplib::Response& res, const Knobs& k) {
    std::string id = req.matches[2];
    if (!is_uuid(id)) return reply_detail(res, 400, "Invalid operation_id format: '" + id + "' is not a valid UUID");
    auto r = store_.retry_operation(req.matches[1], id, k);
    reply_json(res, r.status, std::move(r.body));
  });
  api.route("POST", bank + "/documents/([^/]+)/reprocess", [this](const httplib::Request& req, httplib::Response& res, const Knobs&) {
    auto r = store_.reprocess_document(req.matches[1], req.matches[2]);
    reply_json(res, r.status, std::move(r.body));
  });
}

}  // namespace standin::hindsight
