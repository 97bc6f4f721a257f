#include "sources/memory_api.h"

#include <simdjson.h>

#include "base/exit_codes.h"
#include "base/json_writer.h"

namespace memconn {

namespace {

using namespace std::chrono;

std::string str(simdjson::dom::element e, const char* key) {
  simdjson::dom::element v;
  if (e[key].get(v)) return {};
  std::string_view sv;
  if (!v.get_string().get(sv)) return std::string(sv);
  int64_t i;
  if (!v.get_int64().get(i)) return std::to_string(i);
  return {};
}

bool flag(simdjson::dom::element e, const char* key) {
  simdjson::dom::element v;
  if (e[key].get(v)) return false;
  bool b;
  if (!v.get_bool().get(b)) return b;
  std::string_view sv;
  return !v.get_string().get(sv) && (sv == "true" || sv == "1");
}

std::optional<double> number(simdjson::dom::element e, const char* key) {
  double d;
  if (!e[key].get_double().get(d)) return d;
  int64_t i;
  if (!e[key].get_int64().get(i)) return static_cast<double>(i);
  return std::nullopt;
}

int hex4(std::string_view s, size_t at) {
  if (at + 4 > s.size()) return -1;
  int v = 0;
  for (size_t i = at; i < at + 4; ++i) {
    char c = s[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

}  // namespace

std::string repair_json_text(std::string_view body, size_t& repairs) {
  std::string in = is_valid_utf8(body) ? std::string(body) : repair_utf8(body);
  repairs = in.size() == body.size() && in == body ? 0 : 1;
  std::string out;
  out.reserve(in.size());
  bool in_string = false;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      out += c;
      continue;
    }
    if (c == '"') {
      in_string = false;
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      // A raw control character is invalid inside a JSON string; keep it, escaped.
      static const char* hex = "0123456789abcdef";
      out += "\\u00";
      out += hex[(c >> 4) & 15];
      out += hex[c & 15];
      ++repairs;
    } else if (c == '\\' && i + 1 < in.size() && in[i + 1] == 'u') {
      int v = hex4(in, i + 2);
      bool high = v >= 0xD800 && v <= 0xDBFF, low = v >= 0xDC00 && v <= 0xDFFF;
      int next = high && i + 7 < in.size() && in[i + 6] == '\\' && in[i + 7] == 'u' ? hex4(in, i + 8) : -1;
      if (high && next >= 0xDC00 && next <= 0xDFFF) {
        out.append(in, i, 12);  // a proper pair
        i += 11;
      } else if (high || low) {
        out += "\\ufffd";  // half an emoji, as a client writes after cutting one in two
        i += 5;
        ++repairs;
      } else {
        out += c;
      }
    } else if (c == '\\' && i + 1 < in.size()) {
      out += c;
      out += in[++i];  // any other escape: its second character is never a quote that ends the string
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view choose_range(std::optional<SysTime> last_success, SysTime now, milliseconds overlap,
                              std::string_view first_range) {
  if (!last_success) return first_range;
  auto span = now - *last_success + overlap;
  if (span <= hours(24)) return "day";
  if (span <= days(7)) return "week";
  if (span <= days(28)) return "month";
  return "all";
}

std::string memory_api_url(const std::string& base, const std::string& context, int limit, std::string_view range) {
  std::string url = base + "/memory/" + url_escape(context);
  url = with_query(url, "limit", std::to_string(limit));
  return with_query(url, "range", std::string(range));
}

Result<MemoryPage> parse_memories(std::string_view body, size_t max_records, bool* too_many) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  auto bad = [](const std::string& why) {
    return Error{"the Memory API's answer is not the documented JSON (" + why + ")", exit_code::kPartial};
  };
  // One broken character must not cost the whole answer (and every later run): repair
  // what cannot be parsed, then name the memories that carry a repair.
  MemoryPage page;
  std::string fixed;
  if (parser.parse(body.data(), body.size()).get(doc)) {
    fixed = repair_json_text(body, page.repairs);
    if (auto err = parser.parse(fixed.data(), fixed.size()).get(doc)) return bad(simdjson::error_message(err));
  }
  simdjson::dom::array list;
  if (!doc.get_array().get(list)) {
    // A bare array: lenient, in case a proxy or a newer server drops the envelope.
  } else {
    if (doc["memories"].get_array().get(list)) return bad("no \"memories\" array");
    int64_t n;
    if (!doc["count"].get_int64().get(n)) page.count = n;
  }
  for (auto m : list) {
    if (!m.is_object()) continue;
    if (page.records.size() >= max_records) {  // checked before building one more
      if (too_many) *too_many = true;
      return Error{"too many records", exit_code::kPartial};
    }
    SourceRecord r;
    r.id = str(m, "id");
    if (r.id.empty()) {
      ++page.without_id;
      continue;
    }
    r.text = str(m, "transcript");
    r.created_at = str(m, "created_at");
    r.time = parse_iso8601(r.created_at);
    r.type = str(m, "type");
    r.updated_at = str(m, "updated_at");
    r.description = str(m, "description");
    r.context_id = str(m, "context_id");
    r.collection_name = str(m, "collection_name");
    r.transcript_status = str(m, "transcript_status");
    r.gcs_uri = str(m, "gcs_uri");
    r.gcs_uri_img = str(m, "gcs_uri_img");
    r.audio = flag(m, "audio");
    r.image = flag(m, "image");
    r.lat = number(m, "location_lat");
    r.lon = number(m, "location_lon");
    simdjson::dom::array tags;
    if (!m["tags"].get_array().get(tags)) {
      for (auto t : tags) {
        std::string_view sv;
        if (!t.get_string().get(sv) && !sv.empty()) r.tags.emplace_back(sv);
      }
    }
    if (page.repairs && (r.text.find("\xEF\xBF\xBD") != std::string::npos ||
                         r.description.find("\xEF\xBF\xBD") != std::string::npos))
      page.repaired_ids.push_back(r.id);
    page.records.push_back(std::move(r));
  }
  return page;
}

Result<Fetched> MemoryApiSource::fetch(const FetchPlan& plan) {
  auto range = choose_range(plan.last_success, plan.now, plan.overlap, plan.first_range);
  HttpRequest req{"GET", memory_api_url(cfg_.url, cfg_.context, cfg_.limit, range), "", {"Accept: application/json"}};
  if (!api_key_.empty()) req.headers.push_back("X-API-KEY: " + api_key_);
  auto resp = transport_(req);
  std::string fallback;
  // FR01 offers "all" only "if supported": a server that refuses it (4xx other than a key
  // or context problem) would leave the connector unable ever to finish a first run.
  if (range == "all" && resp.transport_ok && resp.status / 100 == 4 && resp.status != 401 && resp.status != 403 &&
      resp.status != 404 && resp.status != 429) {
    fallback = "source " + cfg_.name + ": the Memory API refused range=all (HTTP " + std::to_string(resp.status) +
               ": " + error_message(resp) + "); fetched range=month instead: older memories are not synced";
    range = "month";
    req.url = memory_api_url(cfg_.url, cfg_.context, cfg_.limit, range);
    resp = transport_(req);
  }
  if (!resp.transport_ok || resp.status / 100 != 2) return source_http_error(cfg_.name, resp);
  bool too_many = false;
  auto page = parse_memories(resp.body, static_cast<size_t>(cfg_.max_records), &too_many);
  if (too_many) return too_many_records(cfg_);
  if (!page) return Error{"source " + cfg_.name + ": " + page.error().message, page.error().exit_code};
  Fetched f;
  if (!fallback.empty()) f.warnings.push_back(fallback);
  f.without_id = page->without_id;
  size_t received = page->records.size() + page->without_id;
  f.request_summary = "range=" + std::string(range) + " limit=" + std::to_string(cfg_.limit) + ": " +
                      std::to_string(received) + " memories";
  // No paging: a full answer means older memories in the range were cut off. Nothing we can
  // ask for gets them, so the operator must hear it (raise limit or sync more often).
  if (static_cast<int64_t>(received) >= cfg_.limit || (page->count && *page->count > static_cast<int64_t>(received))) {
    f.warnings.push_back("source " + cfg_.name + ": the Memory API returned a full response (" +
                         std::to_string(received) + " memories for limit=" + std::to_string(cfg_.limit) +
                         ", range=" + std::string(range) +
                         "): memories may have been missed; raise [sources." + cfg_.name +
                         "] limit or sync more often");
  }
  if (page->repairs) {
    std::string ids;
    for (const auto& id : page->repaired_ids) ids += (ids.empty() ? "" : ", ") + id;
    f.warnings.push_back("source " + cfg_.name + ": the Memory API's answer held " + std::to_string(page->repairs) +
                         " broken character(s) (a lone UTF-16 surrogate, invalid UTF-8 or a raw control "
                         "character), replaced with U+FFFD" +
                         (ids.empty() ? std::string() : " in memory " + ids) + "; the memories are sent repaired");
  }
  f.records = std::move(page->records);
  return f;
}

}  // namespace memconn
