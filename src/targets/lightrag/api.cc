#include "targets/lightrag/api.h"

#include <simdjson.h>

#include <cctype>
#include <charconv>
#include <cstdio>

#include "net/http_client.h"
#include "base/json_writer.h"

namespace memconn {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> lightrag_auth_headers(const std::string& api_key) {
  if (api_key.empty()) return {};
  return {"X-API-Key: " + api_key};
}

std::string lightrag_url(const std::string& base, const std::string& path) {
  std::string b = base;
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b + path;
}

std::string lightrag_file_source(const std::string& document_id) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : document_id) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                 c == '-';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out + ".txt";
}

std::string lightrag_texts_body(const std::vector<const Item*>& items) {
  std::string s;
  size_t n = 32;
  for (const auto* it : items) n += it->content.size() + it->document_id.size() + 8;
  s.reserve(n);
  JsonWriter w(s);
  w.begin_object().key("texts").begin_array();
  for (const auto* it : items) w.value(it->content);
  w.end_array().key("file_sources").begin_array();
  for (const auto* it : items) w.value(it->document_id);
  w.end_array().end_object();
  return s;
}

bool parse_lightrag_health(std::string_view body, LightragInfo& out) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc) || !doc.is_object()) return false;
  std::string_view sv;
  if (!doc["api_version"].get_string().get(sv)) {
    // "0260⚠️" when the bundled WebUI is outdated: keep the leading digits.
    size_t n = 0;
    while (n < sv.size() && std::isdigit(static_cast<unsigned char>(sv[n]))) ++n;
    out.api_version = sv.substr(0, n);
  }
  if (!doc["core_version"].get_string().get(sv)) out.core_version = sv;
  int api = 0;
  std::from_chars(out.api_version.data(), out.api_version.data() + out.api_version.size(), api);
  int major = 0, minor = 0;
  std::sscanf(out.core_version.c_str(), "%d.%d", &major, &minor);
  out.newer = api > 260 || major > 1 || (major == 1 && minor >= 5);
  return !out.api_version.empty() || !out.core_version.empty();
}

SendResult classify_lightrag_insert(const HttpResponse& resp, size_t n_items) {
  SendResult r;
  r.http = resp;
  r.outcome = classify(resp.transport_ok, resp.status);
  auto duplicated = [&](const std::string& why) {
    r.message = why;
    if (ascii_lower(why).find("status: failed") != std::string::npos) {
      // LightRAG keeps a document it failed to index under the same name: that is not
      // "present", and re-sending cannot help until it is deleted or reprocessed.
      r.outcome = Outcome::ItemError;
      r.message = "LightRAG holds this document as failed (" + why +
                  "); `memconn trigger <connector> --reprocess-failed` asks LightRAG to index it again";
      return;
    }
    if (n_items == 1) {
      r.outcome = Outcome::Success;
      r.already_present = true;
    } else {
      r.outcome = Outcome::ItemError;  // bisect: the other items in the batch are not in yet
    }
  };
  if (resp.transport_ok && resp.status == 409) {
    std::string msg = error_message(resp);
    std::string l = ascii_lower(msg);
    if (l.find("already") != std::string::npos || l.find("duplicate") != std::string::npos) duplicated(msg);
    else {
      r.outcome = Outcome::Retryable;
      r.message = msg;
    }
    return r;
  }
  if (r.outcome != Outcome::Success) {
    r.message = error_message(resp);
    return r;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view status, message, track;
  if (parser.parse(resp.body).get(doc) || doc["status"].get_string().get(status)) {
    r.outcome = Outcome::Retryable;
    r.message = "unexpected response to /documents/texts (HTTP " + std::to_string(resp.status) + "): " +
                (resp.content_type.find("html") != std::string::npos ? std::string("an HTML page") : error_message(resp));
    return r;
  }
  if (doc["message"].get_string().get(message)) message = {};
  if (doc["track_id"].get_string().get(track)) track = {};
  std::string st = ascii_lower(status);
  if (st == "success" || st == "partial_success") {
    r.operation_id = track;
  } else if (st == "duplicated") {
    duplicated(std::string(message));
  } else if (st == "failure") {
    r.outcome = Outcome::ItemError;
    r.message = message.empty() ? "LightRAG answered status \"failure\"" : std::string(message);
  } else {
    r.outcome = Outcome::Retryable;
    r.message = "unexpected insert status \"" + std::string(status) + "\"";
  }
  return r;
}

LightragSender::LightragSender(std::string base_url, HttpOptions options, CurlShare* share,
                               const std::atomic<bool>* abort_flag)
    : url_(lightrag_url(base_url, "/documents/texts")), client_(std::move(options), share) {
  client_.set_abort_flag(abort_flag);
}

SendResult LightragSender::send(const std::vector<const Item*>& items, const std::string&) {
  HttpRequest req{"POST", url_, lightrag_texts_body(items), {}};
  auto r = classify_lightrag_insert(client_.perform(req), items.size());
  r.request = "POST " + url_path_for_log(url_);
  return r;
}

bool parse_track_status(std::string_view body, std::vector<TrackedDoc>& out) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array docs;
  if (parser.parse(body.data(), body.size()).get(doc) || doc["documents"].get_array().get(docs)) return false;
  out.clear();
  for (auto d : docs) {
    TrackedDoc t;
    std::string_view sv;
    if (!d["id"].get_string().get(sv)) t.id = sv;
    if (!d["file_path"].get_string().get(sv)) t.file_path = sv;
    if (!d["status"].get_string().get(sv)) t.status = ascii_lower(sv);
    if (!d["error_msg"].get_string().get(sv)) t.error = sv;
    out.push_back(std::move(t));
  }
  return true;
}

}  // namespace memconn
