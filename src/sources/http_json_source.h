// A generic JSON list API as a connector source: items at a dotted path, id/text/time
// fields by dotted path, paging by page number, offset or a next-cursor field, an optional
// "since" filter, and configurable auth. A page-count cap stops a server that never says
// "last page" from looping forever.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sources/source.h"

namespace memconn {

constexpr int kMaxSourcePages = 1000;

struct JsonPage {
  std::vector<SourceRecord> records;
  size_t items = 0;            // entries in the array, including ones without an id
  uint64_t without_id = 0;
  std::string next_cursor;     // paging = cursor: "" when the field is absent, null or empty
};
// Parses one response according to cfg (items_path, id/text/time fields, cursor_field).
// At most max_records records are built: more is too_many_records(cfg).
Result<JsonPage> parse_json_page(const SourceConfig& cfg, std::string_view body, size_t max_records = SIZE_MAX);

class HttpJsonSource : public Source {
 public:
  HttpJsonSource(SourceConfig cfg, std::string api_key, Transport transport, int max_pages = kMaxSourcePages)
      : cfg_(std::move(cfg)), api_key_(std::move(api_key)), transport_(std::move(transport)), max_pages_(max_pages) {}
  Result<Fetched> fetch(const FetchPlan& plan) override;

 private:
  HttpRequest request(const std::string& url) const;
  SourceConfig cfg_;
  std::string api_key_;
  Transport transport_;
  int max_pages_;
};

}  // namespace memconn
