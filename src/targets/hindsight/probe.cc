#include "targets/hindsight/probe.h"

#include <simdjson.h>

#include "targets/hindsight/inventory.h"

namespace memconn {

namespace {

std::string base_of(const std::string& url) {
  std::string b = url;
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b;
}

}  // namespace

HttpResponse hindsight_health(HttpClient& client, const std::string& base_url) {
  return client.perform({"GET", base_of(base_url) + "/health", "", {}});
}

Result<HindsightVersion> hindsight_version(HttpClient& client, const std::string& base_url) {
  auto resp = client.perform({"GET", base_of(base_url) + "/version", "", {}});
  if (!resp.transport_ok || resp.status != 200) return request_error("GET /version", resp);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  HindsightVersion v;
  std::string_view sv;
  if (parser.parse(resp.body).get(doc) || doc["api_version"].get_string().get(sv))
    return Error{"GET /version: unexpected answer: " + one_line(resp.body, 120), 1};
  v.api_version = sv;
  simdjson::dom::object features;
  if (!doc["features"].get_object().get(features))
    for (auto f : features) {
      bool on = false;
      if (!f.value.get_bool().get(on)) v.features[std::string(f.key)] = on;
    }
  return v;
}

Result<bool> hindsight_bank_exists(HttpClient& client, const HindsightEndpoint& ep, HttpResponse* raw) {
  std::string base = base_of(ep.base_url);
  simdjson::dom::parser parser;
  for (long long offset = 0;;) {
    auto resp = client.perform({"GET", base + "/v1/default/banks?q=" + url_escape(ep.bank) + "&limit=100&offset=" +
                                           std::to_string(offset), "", {}});
    if (raw) *raw = resp;
    if (!resp.transport_ok || resp.status != 200) return request_error("GET /v1/default/banks", resp);
    simdjson::dom::element doc;
    simdjson::dom::array banks;
    if (parser.parse(resp.body).get(doc) || doc["banks"].get_array().get(banks))
      return Error{"GET /v1/default/banks: unexpected answer: " + one_line(resp.body, 120), 1};
    size_t n = 0;
    for (auto b : banks) {
      ++n;
      std::string_view id;
      if (!b["bank_id"].get_string().get(id) && id == ep.bank) return true;
    }
    offset += static_cast<long long>(n);
    int64_t total = -1;
    if (n == 0 || doc["total"].get_int64().get(total) || offset >= total) return false;
  }
}

}  // namespace memconn
