// Where connectors pull from: the FR01 Memory API or a generic JSON list API. A Source
// turns one fetch into normalized records; everything about cursors and de-duplication
// lives in connector_cursor.h, so a Source only knows its own HTTP dialect.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "net/http_client.h"
#include "base/iso_time.h"
#include "base/result.h"

namespace memconn {

// One item from a source. Memory API fields stay empty for http-json sources.
struct SourceRecord {
  std::string id;
  std::string text;        // the transcript, or the http-json text_field
  std::string created_at;  // as the source wrote it
  std::optional<SysTime> time;  // created_at parsed; nullopt when absent or not ISO-8601
  std::string type, updated_at, description, context_id, collection_name, transcript_status;
  std::string gcs_uri, gcs_uri_img;
  bool audio = false, image = false;
  std::optional<double> lat, lon;
  std::vector<std::string> tags;
  // Set by the connector run, not the source: a 64-bit digest of what the target would
  // receive (0 for empty texts). A known id whose digest changed was edited at the source.
  uint64_t digest = 0;
};

struct FetchPlan {
  SysTime now;
  std::optional<SysTime> last_success;  // start of the last run that fetched and finished
  std::optional<SysTime> since;         // cursor - overlap; nullopt = fetch everything
  std::chrono::milliseconds overlap{0};
  std::string first_range = "all";      // Memory API range when there is no last_success
};

struct Fetched {
  std::vector<SourceRecord> records;
  std::vector<std::string> warnings;  // said loudly by the caller (e.g. a full response)
  std::string request_summary;        // for -v and status: "range=week limit=1000", "3 pages"
  uint64_t without_id = 0;            // items dropped because they had no usable id
  // Paging stopped before the end (page cap, repeated cursor or page): the run must not
  // move the cursor past the oldest record fetched, and it is partial.
  bool truncated = false;
};

// Sends one request (with retries) and returns the final response. Injected so paging and
// error mapping are tested without sockets.
using Transport = std::function<HttpResponse(const HttpRequest&)>;

class Source {
 public:
  virtual ~Source() = default;
  // Errors carry the documented exit code: 4 credentials refused, 69 unreachable, 1 other.
  virtual Result<Fetched> fetch(const FetchPlan& plan) = 0;
};

// api_key may be empty (no auth header is sent).
std::unique_ptr<Source> make_source(const SourceConfig& cfg, const std::string& api_key, Transport transport);

// The error for a failed source request: "source pendant: HTTP 401: Invalid API key".
Error source_http_error(const std::string& source_name, const HttpResponse& resp);

// "source X: more than N records in one fetch (max_records) ...": the records cap was hit.
Error too_many_records(const SourceConfig& cfg);

// Appends "name=value" (value percent-encoded) to a URL, with '?' or '&' as needed.
std::string with_query(std::string url, std::string_view name, const std::string& value);

}  // namespace memconn
