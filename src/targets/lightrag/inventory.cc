#include "targets/lightrag/inventory.h"

#include <simdjson.h>

#include <algorithm>

#include "base/http_message.h"
#include "net/request.h"
#include "targets/lightrag/api.h"

namespace memconn {

namespace {

constexpr int kRetries = 5;

Error page_error(const HttpResponse& resp) {
  std::string why = error_message(resp);
  if (resp.transport_ok && resp.status == 500)
    why += " (LightRAG 0260 answers 500 here when a document was stored without a file_path: "
           "something inserted text without a file_source)";
  return Error{"cannot list LightRAG's documents: " + why, exit_code_for(resp)};
}

}  // namespace

int lightrag_page_size(int requested) { return std::clamp(requested, 10, 200); }

Status list_lightrag_documents(HttpClient& client, const std::string& base_url, int page_size,
                               const std::function<void(const LightragDocument&)>& on_document) {
  simdjson::dom::parser parser;
  const std::string url = lightrag_url(base_url, "/documents/paginated");
  for (long long page = 1;; ++page) {
    // Sorted by id, ascending: documents that change status while we page keep their place
    // (the default, updated_at desc, would reshuffle them).
    std::string body = "{\"page\":" + std::to_string(page) + ",\"page_size\":" +
                       std::to_string(lightrag_page_size(page_size)) + ",\"sort_field\":\"id\",\"sort_direction\":\"asc\"}";
    auto resp = perform_with_retries(client, {"POST", url, body, {"Content-Type: application/json"}}, kRetries);
    if (!resp.transport_ok || resp.status != 200) return page_error(resp);
    simdjson::dom::element doc;
    simdjson::dom::array docs;
    if (parser.parse(resp.body).get(doc) || doc["documents"].get_array().get(docs))
      return Error{"cannot list LightRAG's documents: unexpected answer: " + one_line(resp.body, 120), 1};
    size_t n = 0;
    for (auto d : docs) {
      ++n;
      LightragDocument ld;
      std::string status;
      std::string_view sv;
      if (!d["id"].get_string().get(sv)) ld.id = sv;
      if (!d["file_path"].get_string().get(sv)) ld.file_path = sv;
      if (!d["status"].get_string().get(sv)) status = ascii_lower(sv);  // documented lowercase; examples are not
      ld.status = status;
      if (!d["created_at"].get_string().get(sv)) ld.created_at = sv;
      if (!d["error_msg"].get_string().get(sv)) ld.error = sv;
      if (!d["track_id"].get_string().get(sv)) ld.track_id = sv;
      int64_t len;
      if (!d["content_length"].get_int64().get(len)) ld.content_length = len;
      on_document(ld);
    }
    bool has_next = false;
    if (n == 0 || doc["pagination"]["has_next"].get_bool().get(has_next) || !has_next) return ok_status();
  }
}

Status lightrag_reprocess_failed(HttpClient& client, const std::string& base_url) {
  HttpRequest req{"POST", lightrag_url(base_url, "/documents/reprocess_failed"), "", {"Content-Type: application/json"}};
  auto resp = perform_with_retries(client, req, kRetries);
  if (resp.transport_ok && resp.status / 100 == 2) return ok_status();
  return Error{"LightRAG refused /documents/reprocess_failed: " + error_message(resp), exit_code_for(resp)};
}

std::optional<size_t> lightrag_expected_length(std::string_view text) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  size_t b = 0, e = text.size();
  while (b < e && space(text[b])) ++b;
  while (e > b && space(text[e - 1])) --e;
  std::string_view t = text.substr(b, e - b);
  if (t.empty()) return size_t{0};
  if (static_cast<unsigned char>(t.front()) >= 0x80 || static_cast<unsigned char>(t.back()) >= 0x80) return std::nullopt;
  if (t.find('&') != std::string_view::npos) return std::nullopt;
  if (t.find("\xEF\xBF\xBE") != std::string_view::npos || t.find("\xEF\xBF\xBF") != std::string_view::npos)
    return std::nullopt;
  size_t n = 0;
  for (char ch : t) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return std::nullopt;
    n += (c & 0xC0) != 0x80;
  }
  return n;
}

}  // namespace memconn
