#include "sources/source.h"

#include "base/exit_codes.h"
#include "base/http_message.h"
#include "sources/http_json_source.h"
#include "sources/memory_api.h"
#include "base/retry_policy.h"

namespace memconn {

std::unique_ptr<Source> make_source(const SourceConfig& cfg, const std::string& api_key, Transport transport) {
  if (cfg.kind == SourceKind::kMemoryApi) return std::make_unique<MemoryApiSource>(cfg, api_key, std::move(transport));
  return std::make_unique<HttpJsonSource>(cfg, api_key, std::move(transport));
}

Error source_http_error(const std::string& source_name, const HttpResponse& resp) {
  std::string what = "source " + source_name + ": " +
                     (resp.transport_ok ? "HTTP " + std::to_string(resp.status) + ": " : "") + error_message(resp);
  if (resp.wrong_target()) return Error{what, exit_code::kWrongTarget};
  switch (classify(resp.transport_ok, resp.status)) {
    case Outcome::AuthError: return Error{what + " (check the source's api_key)", exit_code::kAuth};
    case Outcome::Retryable:
      if (is_outage(resp.transport_ok, resp.status) || resp.status == 429) return Error{what, exit_code::kUnreachable};
      return Error{what, exit_code::kPartial};
    default: return Error{what, exit_code::kPartial};
  }
}

Error too_many_records(const SourceConfig& cfg) {
  return Error{"source " + cfg.name + ": more than " + std::to_string(cfg.max_records) +
                   " records in one fetch (max_records); nothing was sent and the cursor did not move: raise [sources." +
                   cfg.name + "] max_records if the source really holds that many new records",
               exit_code::kPartial};
}

std::string with_query(std::string url, std::string_view name, const std::string& value) {
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += name;
  url += '=';
  url += url_escape(value);
  return url;
}

}  // namespace memconn
