#include "sources/http_json_source.h"

#include <simdjson.h>

#include <cmath>
#include <set>

#include "base/exit_codes.h"

namespace memconn {

namespace {

// Follows a dotted path ("data.items"); "" is the element itself.
bool at_path(simdjson::dom::element e, std::string_view path, simdjson::dom::element& out) {
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    simdjson::dom::object obj;
    if (e.get_object().get(obj) || obj.at_key(key).get(e)) return false;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  out = e;
  return true;
}

// Strings as they are; integers in decimal; anything else "".
std::string scalar(simdjson::dom::element e) {
  std::string_view sv;
  if (!e.get_string().get(sv)) return std::string(sv);
  int64_t i;
  if (!e.get_int64().get(i)) return std::to_string(i);
  uint64_t u;
  if (!e.get_uint64().get(u)) return std::to_string(u);
  return {};
}

// An ISO-8601 string, or a number of Unix seconds (milliseconds when it is that large).
std::optional<SysTime> time_of(simdjson::dom::element e, std::string& raw) {
  std::string_view sv;
  if (!e.get_string().get(sv)) {
    raw = sv;
    return parse_iso8601(sv);
  }
  double d;
  if (e.get_double().get(d)) {
    int64_t i;
    if (e.get_int64().get(i)) return std::nullopt;
    d = static_cast<double>(i);
  }
  if (!std::isfinite(d) || d < 0) return std::nullopt;
  if (d > 1e11) d /= 1000;  // 1e11 s is the year 5138; such values are milliseconds
  SysTime t{std::chrono::duration_cast<SysTime::duration>(std::chrono::duration<double>(d))};
  raw = format_iso8601(t);
  return t;
}

}  // namespace

Result<JsonPage> parse_json_page(const SourceConfig& cfg, std::string_view body, size_t max_records) {
  auto bad = [&](const std::string& why) {
    return Error{"source " + cfg.name + ": unexpected response (" + why + ")", exit_code::kPartial};
  };
  simdjson::dom::parser parser;
  simdjson::dom::element doc, items;
  simdjson::dom::array list;
  if (auto err = parser.parse(body.data(), body.size()).get(doc)) return bad(simdjson::error_message(err));
  if (!at_path(doc, cfg.items_path, items) || items.get_array().get(list))
    return bad(cfg.items_path.empty() ? "the response is not an array; set items_path"
                                      : "no array at items_path \"" + cfg.items_path + "\"");
  JsonPage page;
  for (auto item : list) {
    ++page.items;
    SourceRecord r;
    simdjson::dom::element v;
    if (at_path(item, cfg.id_field, v)) r.id = scalar(v);
    if (r.id.empty()) {
      ++page.without_id;
      continue;
    }
    if (page.records.size() >= max_records) return too_many_records(cfg);
    if (at_path(item, cfg.text_field, v)) r.text = scalar(v);
    if (!cfg.time_field.empty() && at_path(item, cfg.time_field, v)) r.time = time_of(v, r.created_at);
    page.records.push_back(std::move(r));
  }
  if (cfg.paging == Paging::kCursor) {
    simdjson::dom::element c;
    if (at_path(doc, cfg.cursor_field, c)) page.next_cursor = scalar(c);
  }
  return page;
}

HttpRequest HttpJsonSource::request(const std::string& url) const {
  HttpRequest req{"GET", url, "", {"Accept: application/json"}};
  for (const auto& [name, value] : cfg_.headers) req.headers.push_back(name + ": " + value);
  if (!api_key_.empty()) req.headers.push_back(cfg_.auth_header + ": " + cfg_.auth_prefix + api_key_);
  return req;
}

Result<Fetched> HttpJsonSource::fetch(const FetchPlan& plan) {
  std::string base = cfg_.url;
  if (!cfg_.since_param.empty() && plan.since) base = with_query(base, cfg_.since_param, format_iso8601(*plan.since));
  Fetched f;
  int64_t page_no = cfg_.first_page, offset = 0;
  std::string cursor;
  std::set<std::string> seen_cursors;  // a server repeating a cursor would loop forever
  std::set<std::string> seen_ids;      // a server ignoring the page parameters repeats its page
  size_t first_page_items = 0;
  int pages = 0;
  for (;;) {
    std::string url = base;
    switch (cfg_.paging) {
      case Paging::kNone: break;
      case Paging::kPage:
        url = with_query(with_query(url, cfg_.page_param, std::to_string(page_no)), cfg_.page_size_param,
                         std::to_string(cfg_.page_size));
        break;
      case Paging::kOffset:
        url = with_query(with_query(url, cfg_.offset_param, std::to_string(offset)), cfg_.page_size_param,
                         std::to_string(cfg_.page_size));
        break;
      case Paging::kCursor:
        if (!cursor.empty()) url = with_query(url, cfg_.cursor_param, cursor);
        break;
    }
    auto resp = transport_(request(url));
    if (!resp.transport_ok || resp.status / 100 != 2) return source_http_error(cfg_.name, resp);
    // The cap counts every page: what earlier pages brought stays in memory until the end.
    auto page = parse_json_page(cfg_, resp.body, static_cast<size_t>(cfg_.max_records) - f.records.size());
    if (!page) return page.error();
    ++pages;
    f.without_id += page->without_id;
    bool all_seen = !page->records.empty();
    for (auto& r : page->records) {
      all_seen = !seen_ids.insert(r.id).second && all_seen;
      f.records.push_back(std::move(r));
    }
    if (pages == 1) first_page_items = page->items;
    // A short page is not the end: servers cap page sizes below what we ask for. Only an
    // empty page is, so nothing beyond a capped page is skipped.
    bool paged = cfg_.paging == Paging::kPage || cfg_.paging == Paging::kOffset;
    if (paged && pages == 2 && page->items > 0 && first_page_items < static_cast<size_t>(cfg_.page_size))
      f.warnings.push_back("source " + cfg_.name + ": the server returned " + std::to_string(first_page_items) +
                           " items on the first page for page_size=" + std::to_string(cfg_.page_size) +
                           " and more after it: it caps the page size; set page_size = " +
                           std::to_string(first_page_items) + " to save requests");
    bool last = false;
    if (paged && all_seen) {
      f.warnings.push_back("source " + cfg_.name + ": page " + std::to_string(pages) +
                           " repeated items already fetched (does the server ignore " +
                           (cfg_.paging == Paging::kPage ? cfg_.page_param : cfg_.offset_param) + "?); stopped paging");
      f.truncated = true;
      break;
    }
    switch (cfg_.paging) {
      case Paging::kNone: last = true; break;
      case Paging::kPage:
        last = page->items == 0;
        ++page_no;
        break;
      case Paging::kOffset:
        last = page->items == 0;
        offset += static_cast<int64_t>(page->items);
        break;
      case Paging::kCursor:
        if (page->next_cursor.empty()) {
          last = true;
        } else if (!seen_cursors.insert(page->next_cursor).second) {
          f.warnings.push_back("source " + cfg_.name + ": the server sent cursor \"" + page->next_cursor +
                               "\" twice; stopped paging");
          f.truncated = true;
          last = true;
        }
        cursor = page->next_cursor;
        break;
    }
    if (last) break;
    if (pages >= max_pages_) {
      f.warnings.push_back("source " + cfg_.name + ": stopped after " + std::to_string(pages) +
                           " pages (safety cap); items beyond them were not fetched this run");
      f.truncated = true;
      break;
    }
  }
  f.request_summary = std::to_string(pages) + (pages == 1 ? " page: " : " pages: ") +
                      std::to_string(f.records.size() + f.without_id) + " items";
  return f;
}

}  // namespace memconn
