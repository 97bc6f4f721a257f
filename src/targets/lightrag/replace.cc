#include "targets/lightrag/replace.h"

#include <simdjson.h>

#include <thread>

#include "base/json_writer.h"
#include "base/retry_policy.h"
#include "net/request.h"
#include "net/http_client.h"
#include "targets/lightrag/api.h"

namespace memconn {

namespace {

using Clock = std::chrono::steady_clock;
using K = ReplaceResult::Kind;

// A response that is neither success nor a document-level answer ends the replacement.
ReplaceResult http_failure(const HttpResponse& resp, const std::string& what) {
  std::string why = resp.transport_ok ? "HTTP " + std::to_string(resp.status) + ": " + error_message(resp) : resp.error;
  switch (classify(resp.transport_ok, resp.status)) {
    case Outcome::AuthError: return {K::AuthRefused, what + ": " + why};
    case Outcome::Retryable:
      if (is_outage(resp.transport_ok, resp.status)) return {K::Unreachable, what + ": " + why};
      break;
    default: break;
  }
  return {K::Failed, what + ": " + why};
}

// What an insert of the one new text said.
struct InsertAnswer {
  enum { Inserted, SameSource, SameContent, Busy, Other } kind = Other;
  std::string track_id;  // of the stored copy (0260 "duplicated" answers carry it)
};

InsertAnswer read_insert(const HttpResponse& resp) {
  InsertAnswer a;
  if (!resp.transport_ok) return a;
  if (resp.status == 409) {
    // 1.5.x: "already contains" is the same name; other 409s are a scan or delete running.
    std::string l = ascii_lower(error_message(resp));
    a.kind = l.find("already") != std::string::npos ? InsertAnswer::SameSource : InsertAnswer::Busy;
    return a;
  }
  if (resp.status != 200) return a;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view status, message, track;
  if (parser.parse(resp.body).get(doc) || doc["status"].get_string().get(status)) return a;
  if (doc["message"].get_string().get(message)) message = {};
  if (doc["track_id"].get_string().get(track)) track = {};
  std::string st = ascii_lower(status);
  if (st == "success" || st == "partial_success") a.kind = InsertAnswer::Inserted;
  else if (st == "duplicated")
    a.kind = ascii_lower(message).find("identical content") != std::string::npos ? InsertAnswer::SameContent : InsertAnswer::SameSource;
  a.track_id = track;
  return a;
}

// LightRAG's doc id of the document stored under file_source: from the insert's track id
// (0260), else by walking /documents/paginated (1.5.x answers 409 without a track id).
std::string find_doc_id(HttpClient& client, const std::string& base, const std::string& file_source,
                        const std::string& track_id, const ReplaceOptions& opt, HttpResponse& last) {
  std::vector<TrackedDoc> docs;
  if (!track_id.empty()) {
    last = perform_with_retries(client, {"GET", lightrag_url(base, "/documents/track_status/" + track_id), "", {}}, opt.retries);
    if (last.transport_ok && last.status == 200 && parse_track_status(last.body, docs))
      for (const auto& d : docs)
        if (d.file_path == file_source && !d.id.empty()) return d.id;
  }
  for (size_t page = 1; page <= opt.max_pages; ++page) {
    std::string body;
    JsonWriter w(body);
    w.begin_object().key("page").value(static_cast<uint64_t>(page)).key("page_size").value(200);
    w.key("sort_field").value("file_path").key("sort_direction").value("asc").end_object();
    last = perform_with_retries(
        client, {"POST", lightrag_url(base, "/documents/paginated"), body, {"Content-Type: application/json"}}, opt.retries);
    if (!last.transport_ok || last.status != 200 || !parse_track_status(last.body, docs)) return "";
    for (const auto& d : docs)
      if (d.file_path == file_source && !d.id.empty()) return d.id;
    simdjson::dom::parser parser;
    bool has_next = false;
    if (parser.parse(last.body)["pagination"]["has_next"].get_bool().get(has_next) || !has_next) return "";
  }
  return "";
}

}  // namespace

ReplaceResult lightrag_replace(HttpClient& client, const std::string& base, const Item& item,
                               const std::function<void()>& before_delete, const std::function<bool()>& stopping,
                               const ReplaceOptions& opt) {
  const auto deadline = Clock::now() + opt.budget;
  bool announced = false, deleted = false;
  std::string waiting_for;
  // Waits one poll interval; false once the budget is spent or a signal arrived.
  auto wait = [&](const std::string& why) {
    waiting_for = why;
    if (stopping() || Clock::now() + opt.poll > deadline) return false;
    std::this_thread::sleep_for(opt.poll);
    return true;
  };
  const std::string insert_url = lightrag_url(base, "/documents/texts");
  const std::string body = lightrag_texts_body({&item});
  for (;;) {
    auto resp = perform_with_retries(client, {"POST", insert_url, body, {"Content-Type: application/json"}}, opt.retries);
    auto ans = read_insert(resp);
    if (ans.kind == InsertAnswer::Inserted) {
      ReplaceResult r{K::Replaced, "", deleted};
      return r;
    }
    if (ans.kind == InsertAnswer::SameContent) {
      // The new text is stored already (under another name): nothing of ours to replace.
      return {K::Replaced, "LightRAG already holds this text", deleted};
    }
    if (ans.kind == InsertAnswer::Busy) {
      if (wait("LightRAG is busy (a scan or deletion is running)")) continue;
      return {K::Busy, waiting_for, deleted};
    }
    if (ans.kind == InsertAnswer::Other) return http_failure(resp, "insert of the new text");
    if (deleted) {
      // The deletion runs in LightRAG's background: the old copy is still there.
      if (wait("LightRAG was still deleting the old copy")) continue;
      return {K::Busy, waiting_for, deleted};
    }
    HttpResponse last;
    std::string doc_id = find_doc_id(client, base, item.document_id, ans.track_id, opt, last);
    if (doc_id.empty()) {
      if (last.transport_ok && (last.status == 200 || last.status == 0))
        return {K::Failed, "LightRAG holds " + item.document_id + " but does not list its document id", deleted};
      return http_failure(last, "looking up the stored copy");
    }
    if (!announced) {
      before_delete();
      announced = true;
    }
    std::string del;
    JsonWriter w(del);
    w.begin_object().key("doc_ids").begin_array().value(doc_id).end_array().key("delete_file").value(false).end_object();
    auto dr = perform_with_retries(client, {"DELETE", lightrag_url(base, "/documents/delete_document"), del,
                                            {"Content-Type: application/json"}},
                                   opt.retries);
    if (!dr.transport_ok || dr.status != 200) return http_failure(dr, "delete of the old copy");
    simdjson::dom::parser parser;
    std::string_view st, msg;
    simdjson::dom::element d;
    if (parser.parse(dr.body).get(d) || d["status"].get_string().get(st))
      return {K::Failed, "unexpected answer to /documents/delete_document: " + error_message(dr), deleted};
    if (d["message"].get_string().get(msg)) msg = {};
    std::string status = ascii_lower(st);
    if (status == "deletion_started") {
      deleted = true;
      continue;
    }
    if (status == "busy") {
      if (wait("LightRAG's pipeline is busy (it refuses deletions meanwhile)")) continue;
      return {K::Busy, waiting_for, deleted};
    }
    // "not_allowed": the server runs without the LLM cache for entity extraction.
    return {K::Failed, "LightRAG refused the deletion (" + std::string(st) + "): " + std::string(msg), deleted};
  }
}

}  // namespace memconn
