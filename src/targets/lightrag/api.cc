#include "targets/lightrag/api.h"

#include <simdjson.h>

#include <cctype>
#include <charconv>
#include <cstdio>

#include "net/http_client.h"
#include "targets/lightrag/replace.h"
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

namespace {

// The end of the JSON string literal that starts at s[at] == '"' (one past its closing quote),
// or npos.
size_t literal_end(std::string_view s, size_t at) {
  if (at >= s.size() || s[at] != '"') return std::string_view::npos;
  for (size_t i = at + 1; i < s.size(); ++i) {
    if (s[i] == '\\') ++i;
    else if (s[i] == '"') return i + 1;
  }
  return std::string_view::npos;
}

// An item's encoded form, {"text":T,"file_source":F} as LightragTarget::encode writes it, split
// into its two JSON string literals. Ingest drops an item's content once it is encoded (the
// encoded form is what the target receives), so the request is built from these.
bool split_encoded(std::string_view json, std::string_view& text, std::string_view& source) {
  constexpr std::string_view kText = R"({"text":)", kSource = R"(,"file_source":)";
  if (json.substr(0, kText.size()) != kText) return false;
  size_t t_end = literal_end(json, kText.size());
  if (t_end == std::string_view::npos || json.substr(t_end, kSource.size()) != kSource) return false;
  size_t s_at = t_end + kSource.size(), s_end = literal_end(json, s_at);
  if (s_end == std::string_view::npos || json.substr(s_end) != "}") return false;
  text = json.substr(kText.size(), t_end - kText.size());
  source = json.substr(s_at, s_end - s_at);
  return true;
}

}  // namespace

std::string lightrag_texts_body(const std::vector<const Item*>& items) {
  std::string s;
  size_t n = 32;
  for (const auto* it : items) n += it->content.size() + it->json.size() + it->document_id.size() + 8;
  s.reserve(n);
  JsonWriter w(s);
  std::string sources;
  JsonWriter ws(sources);
  w.begin_object().key("texts").begin_array();
  ws.begin_array();
  for (const auto* it : items) {
    std::string_view text, source;
    if (!it->json.empty() && split_encoded(it->json, text, source)) {
      w.raw(text);
      ws.raw(source);
    } else {
      w.value(it->content);
      ws.value(it->document_id);
    }
  }
  ws.end_array();
  w.end_array().key("file_sources").raw(sources).end_object();
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
    : base_(base_url), url_(lightrag_url(base_url, "/documents/texts")), client_(std::move(options), share),
      abort_(abort_flag) {
  client_.set_abort_flag(abort_flag);
}

SendResult LightragSender::send(const std::vector<const Item*>& items, const std::string&) {
  // A write of a whole document replaces what LightRAG holds under its file source: LightRAG
  // has no update, and a plain insert of a grown document would answer "duplicated" and keep
  // the old text. Delete-then-insert gives the same end state however often it is applied, so
  // a replayed or retried write is harmless (docs/reliability.md).
  std::vector<const Item*> plain;
  for (const auto* it : items)
    if (!it->document_write) plain.push_back(it);
  if (plain.size() == items.size()) {
    HttpRequest req{"POST", url_, lightrag_texts_body(items), {}};
    auto r = classify_lightrag_insert(client_.perform(req), items.size());
    r.request = "POST " + url_path_for_log(url_);
    return r;
  }
  SendResult out;
  out.outcome = Outcome::Success;
  out.request = "POST " + url_path_for_log(url_) + " (replace)";
  // The worst outcome wins: the pipeline retries or bisects the whole list, and every part of
  // it may be applied again.
  auto worse = [&](Outcome o, std::string message) {
    auto rank = [](Outcome x) {
      switch (x) {
        case Outcome::Success: return 0;
        case Outcome::ItemError: return 1;
        case Outcome::Retryable: return 2;
        case Outcome::AuthError: return 3;
      }
      return 2;
    };
    if (rank(o) > rank(out.outcome)) {
      out.outcome = o;
      out.message = std::move(message);
    }
  };
  if (!plain.empty()) {
    HttpRequest req{"POST", url_, lightrag_texts_body(plain), {}};
    auto r = classify_lightrag_insert(client_.perform(req), plain.size());
    out.http = r.http;
    worse(r.outcome, r.message);
  }
  ReplaceOptions ro;
  ro.retries = 0;  // the pipeline retries with its own back-off
  auto stopping = [this] { return abort_ && abort_->load(); };
  // The pipeline retries the same list after a failure: the documents this worker replaced in
  // the previous attempt hold their new text already and are not deleted and inserted again.
  // An item is known by its address and a hash of what it writes (its encoding: an ingest
  // run drops a write's content once encoded), so a new item that reuses the memory of an
  // abandoned one is never taken for it.
  auto key = [](const Item* it) {
    return std::make_pair(it, std::hash<std::string>{}(it->document_id) ^
                                  (std::hash<std::string>{}(it->json.empty() ? it->content : it->json) * 31));
  };
  if (replaced_for_ != items) {
    replaced_for_ = items;
    replaced_.clear();
  }
  for (const auto* it : items) {
    if (!it->document_write || replaced_.count(key(it))) continue;
    if (out.outcome == Outcome::Retryable || out.outcome == Outcome::AuthError) break;
    auto r = lightrag_replace(client_, base_, *it, [] {}, stopping, ro);
    using K = ReplaceResult::Kind;
    switch (r.kind) {
      case K::Replaced: replaced_.insert(key(it)); break;
      case K::Busy: worse(Outcome::Retryable, r.message); break;
      case K::Failed: worse(Outcome::ItemError, r.message); break;
      case K::AuthRefused: worse(Outcome::AuthError, r.message); break;
      case K::Unreachable: worse(Outcome::Retryable, r.message); break;
    }
  }
  if (out.outcome == Outcome::Success) {
    replaced_for_.clear();
    replaced_.clear();
    out.http.transport_ok = true;
    out.http.status = 200;
  } else if (out.http.error.empty()) {
    out.http.error = out.message;
  }
  return out;
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
