// The FR01 Memory API as a connector source (../shared/specs/lightrag-and-memory-api.md
// part 2): GET {url}/memory/{context}?limit=&range= with an X-API-KEY header. The API has
// no paging and no "since": we ask for the smallest range that covers the time since the
// last finished run (plus the overlap) at the configured limit, and the cursor filters.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sources/source.h"

namespace memconn {

// "day", "week" or "month" when now - last_success + overlap fits in 24 h, 7 d or 28 d
// (28: a "month" of the server's is at least that long, whatever it means by it); "all"
// on the first run or after a longer gap.
// first_range: what to ask for when there is no last run (the connector's first_range).
std::string_view choose_range(std::optional<SysTime> last_success, SysTime now, std::chrono::milliseconds overlap,
                              std::string_view first_range = "all");

std::string memory_api_url(const std::string& base, const std::string& context, int limit, std::string_view range);

struct MemoryPage {
  std::vector<SourceRecord> records;
  std::optional<int64_t> count;  // the envelope's "count", if any
  uint64_t without_id = 0;
  size_t repairs = 0;                     // broken characters replaced (see repair_json_text)
  std::vector<std::string> repaired_ids;  // memories whose transcript/description carry one
};

// The body with what makes a whole JSON document unparseable for one bad character
// repaired: lone UTF-16 surrogate escapes become \ufffd, invalid UTF-8 bytes U+FFFD, raw
// control characters inside strings \u00XX escapes. repairs = how many (>0 if anything).
std::string repair_json_text(std::string_view body, size_t& repairs);
// Accepts {"count":n,"memories":[...]} and, leniently, a bare array. audio/image may be
// booleans or "true"/"false" strings (an earlier server sent strings). Error: not that shape.
// More than max_records memories: Error{"", kPartial} with too_many set (the caller names it).
Result<MemoryPage> parse_memories(std::string_view body, size_t max_records = SIZE_MAX, bool* too_many = nullptr);

class MemoryApiSource : public Source {
 public:
  MemoryApiSource(SourceConfig cfg, std::string api_key, Transport transport)
      : cfg_(std::move(cfg)), api_key_(std::move(api_key)), transport_(std::move(transport)) {}
  Result<Fetched> fetch(const FetchPlan& plan) override;

 private:
  SourceConfig cfg_;
  std::string api_key_;
  Transport transport_;
};

}  // namespace memconn
