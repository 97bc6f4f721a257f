#include "targets/hindsight/api.h"

#include <simdjson.h>

#include <algorithm>

#include "base/json_writer.h"

namespace memconn {

std::string bank_url(const HindsightEndpoint& ep, const std::string& suffix) {
  std::string base = ep.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/v1/default/banks/" + url_escape(ep.bank) + suffix;
}

std::string retain_body(const std::vector<const Item*>& items, bool async, const std::string& operation_id) {
  std::string s;
  append_retain_body(s, items, async, operation_id);
  return s;
}

void append_retain_body(std::string& s, const std::vector<const Item*>& items, bool async, const std::string& operation_id) {
  size_t n = s.size() + 64;
  for (const auto* it : items) n += it->json.size() + 1;
  s.reserve(n);
  s.append("{\"items\":[");
  // Every item is whole: a document's parts were folded into one write before it was batched
  // (ingest/documents.h), so items go as they are, without a copy of each.
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) s.push_back(',');
    s.append(items[i]->json);
  }
  s.append("],\"async\":");
  s.append(async ? "true" : "false");
  if (async && !operation_id.empty()) {
    s.append(",\"operation_id\":");
    append_json_string(s, operation_id);
  }
  s.push_back('}');
}

Sha256 hindsight_content_hash(std::string_view content) {
  auto drop = [](unsigned char c) { return c <= 0x08 || c == 0x0b || c == 0x0c || (c >= 0x0e && c <= 0x1f) || c == 0x7f; };
  if (std::none_of(content.begin(), content.end(), [&](char c) { return drop(static_cast<unsigned char>(c)); }))
    return sha256(content);
  std::string clean;
  clean.reserve(content.size());
  for (char c : content)
    if (!drop(static_cast<unsigned char>(c))) clean.push_back(c);
  return sha256(clean);
}

std::vector<std::string> hindsight_auth_headers(const std::string& api_key) {
  if (api_key.empty()) return {};
  return {"Authorization: Bearer " + api_key};
}

HindsightSender::HindsightSender(HindsightEndpoint ep, bool async, HttpOptions options, CurlShare* share,
                                 const std::atomic<bool>* abort_flag)
    : ep_(std::move(ep)), url_(bank_url(ep_, "/memories")), async_(async), client_(std::move(options), share),
      parser_(std::make_unique<simdjson::dom::parser>()), req_{"POST", url_, "", {}},
      request_line_("POST " + url_path_for_log(url_)) {
  client_.set_abort_flag(abort_flag);
}

HindsightSender::~HindsightSender() = default;

SendResult HindsightSender::send(const std::vector<const Item*>& items, const std::string& operation_id) {
  SendResult r;
  // One request per worker, reused: its URL is set once and its body keeps its capacity.
  req_.body.clear();
  append_retain_body(req_.body, items, async_, operation_id);
  r.http = client_.perform(req_);
  r.request = request_line_;
  r.outcome = classify(r.http.transport_ok, r.http.status);
  if (r.outcome == Outcome::Success) {
    // A 2xx that is not the documented JSON (proxy page, truncated body) is not an ack.
    simdjson::dom::element doc;
    bool success = false;
    if (parser_->parse(r.http.body).get(doc) || doc["success"].get_bool().get(success) || !success) {
      r.outcome = Outcome::Retryable;
      r.message = "unexpected response to retain (HTTP " + std::to_string(r.http.status) + "): " +
                  (r.http.content_type.find("html") != std::string::npos ? std::string("an HTML page") : one_line(r.http.body, 120));
      return r;
    }
    std::string_view op;
    if (async_ && !doc["operation_id"].get_string().get(op)) r.operation_id = op;
    if (async_ && r.operation_id.empty()) r.operation_id = operation_id;
    return r;
  }
  r.message = error_message(r.http);
  if (r.http.status == 409) r.message = "operation_id " + operation_id + " was already used for a different operation (409): " + r.message;
  return r;
}

bool parse_operation_status(const std::string& body, OperationStatus& out) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc)) return false;
  std::string_view sv;
  if (doc["status"].get_string().get(sv)) return false;
  out.status = sv;
  if (!doc["error_message"].get_string().get(sv)) out.error = sv;
  simdjson::dom::element progress;
  if (!doc["progress"].get(progress) && progress.is_object()) {
    int64_t n;
    if (!progress["processed"].get_int64().get(n)) out.processed = static_cast<long>(n);
    if (!progress["total"].get_int64().get(n)) out.total = static_cast<long>(n);
  }
  return true;
}

}  // namespace memconn
