#include "targets/hindsight/api.h"

#include <simdjson.h>

#include <algorithm>

#include "targets/hindsight/memory_item.h"
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
  // Only parts of a document (explicit ids) can need folding; plain items go as they are,
  // without a copy of each.
  if (std::none_of(items.begin(), items.end(), [](const Item* it) { return it->explicit_id; })) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) s.push_back(',');
      s.append(items[i]->json);
    }
  } else {
    auto bodies = fold_documents(items);
    for (size_t i = 0; i < bodies.size(); ++i) {
      if (i) s.push_back(',');
      s.append(bodies[i]);
    }
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

namespace {

// Python's len(): code points, which is how the server counts text_length.
size_t code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

PartState HindsightSender::part_state(const std::vector<const Item*>& parts, size_t& landed, std::string& detail) {
  const Item& head = *parts.front();
  // GET …/documents/{id} cannot address an id holding '/' (the server routes on the decoded
  // path), so such ids are looked up in the documents list, which gives text_length.
  bool by_list = head.document_id.find('/') != std::string::npos;
  std::string url = by_list ? bank_url(ep_, "/documents?limit=1000&q=" + url_escape(head.document_id))
                            : bank_url(ep_, "/documents/" + url_escape(head.document_id));
  HttpResponse resp = client_.perform(HttpRequest{"GET", url, "", {}});
  if (!resp.transport_ok || (resp.status != 200 && resp.status != 404)) {
    detail = error_message(resp);
    return PartState::Unreachable;
  }
  simdjson::dom::element doc;
  bool found = false;
  size_t stored_len = 0;
  std::string stored;
  if (resp.status == 200) {
    if (parser_->parse(resp.body).get(doc)) {
      detail = "unexpected answer to GET documents (HTTP 200): " + one_line(resp.body, 120);
      return PartState::Unreachable;
    }
    if (by_list) {
      simdjson::dom::array rows;
      if (!doc["items"].get_array().get(rows))
        for (auto row : rows) {
          std::string_view id;
          uint64_t len = 0;
          if (!row["id"].get_string().get(id) && id == head.document_id && !row["text_length"].get_uint64().get(len)) {
            found = true;
            stored_len = len;
          }
        }
    } else {
      std::string_view text;
      if (doc["original_text"].get_string().get(text)) {
        detail = "unexpected answer to GET document (HTTP 200): " + one_line(resp.body, 120);
        return PartState::Unreachable;
      }
      found = true;
      stored = stored_text(text);
      stored_len = stored.size();
    }
  }
  // Offsets are bytes of stored text; the list counts code points.
  auto units = [&](const std::string& t) { return by_list ? code_points(t) : t.size(); };
  if (!found) {
    if (head.doc_offset == 0) return PartState::NotLanded;
    detail = "document " + head.document_id + " is gone from the server";
    return PartState::Changed;
  }
  // doc_offset counts bytes; the list's text_length counts code points. They agree for ASCII
  // text; otherwise the check errs on the safe side ("changed": dead-lettered, never doubled).
  size_t before = head.doc_offset;
  if (stored_len == before) return PartState::NotLanded;
  // The part may have travelled in a smaller request before (a run killed mid-flight batches
  // differently): accept any leading run of its items.
  std::string expected;
  for (size_t k = 0; k < parts.size() && stored_len > before; ++k) {
    expected += '\n';
    expected += stored_text(parts[k]->content);
    if (stored_len == before + units(expected) &&
        (by_list || stored.compare(before, expected.size(), expected) == 0)) {
      landed = k + 1;
      return PartState::Landed;
    }
  }
  if (stored_len > before + units(expected) &&
      (by_list || stored.compare(before, expected.size(), expected) == 0)) {
    landed = parts.size();
    return PartState::LandedAndMore;
  }
  detail = "document " + head.document_id + " holds " + std::to_string(stored_len) +
           " characters, not what memconn sent before this part (" + std::to_string(before) + ")";
  return PartState::Changed;
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
